using GenerationPlatform.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Silo;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The real host with the shipped models of both kinds (a class model through ONNX Runtime, the text model) and the real
/// verifiers: every (model, verifier) pair the catalogue allows either completes or is refused before any NFE is spent,
/// over gRPC and over HTTP/JSON alike (the CLI's side is in tests/GenerationPlatform.Cli.Tests).
/// </summary>
public sealed class ShippedPlatformFixture : IAsyncLifetime
{
    public const string Key = "pairs-key-0123456789";
    public const string ClassModel = ShippedPlatformSettings.ClassModel, TextModel = ShippedPlatformSettings.TextModel;
    private readonly string results = Directory.CreateTempSubdirectory("genplat-pairs-").FullName;
    public WebApplication App { get; private set; } = null!;
    public PlatformEndpoints Endpoints => PlatformHost.Endpoints(App);

    public async Task InitializeAsync()
    {
        var settings = ShippedPlatformSettings.For(results).WithTenants([("pairs", Key)]);
        App = await EmbeddedPlatform.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(results, recursive: true);
    }
}

public sealed class ModelVerifierPairsTests(ShippedPlatformFixture fixture) : IClassFixture<ShippedPlatformFixture>
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { ShippedPlatformFixture.ClassModel, ShippedPlatformFixture.TextModel })
            foreach (var verifier in GenerationPlatform.Core.Verifiers.VerifierNames.BaseNames)
                data.Add(model, verifier);
        return data;
    }

    /// <summary>
    /// The smallest job every suitable verifier may score: one candidate of eight Euler steps, the result its only image (the dearest
    /// verifier, self-consistency, costs 27 NFE-equivalents of the smallest model an image, within 4 x 8).
    /// </summary>
    private static GenerateRequest Request(string model, string verifier) => new()
    {
        Model = model,
        Class = model == ShippedPlatformFixture.ClassModel ? "Sneaker" : "",
        Prompt = model == ShippedPlatformFixture.TextModel ? "a red sneaker" : "",
        Verifier = verifier,
        BudgetNfe = 8,
        TopK = 1,
        Steps = 8,
        Sampler = Sampler.Euler,
        Seed = 5,
    };

    private async Task<string> ModelsVerifiersAsync(GenerationPlatformClient client, string model) =>
        string.Join(",", (await client.ListModelsAsync()).Models.Single(m => m.Name == model).Verifiers);

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task OverGrpcAPairCompletesOrIsRefusedBeforeAnyWork(string model, string verifier)
    {
        using var client = new GenerationPlatformClient(new Uri(fixture.Endpoints.Grpc), ShippedPlatformFixture.Key);
        bool listed = (await ModelsVerifiersAsync(client, model)).Split(',').Contains(verifier);
        var before = await client.GetUsageAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        if (listed)
        {
            var end = await client.GenerateToEndAsync(Request(model, verifier), timeout.Token);
            Assert.True(end.Result is not null, $"{model} with {verifier}: {end}");
            Assert.Single(end.Result.Images);
            Assert.Equal(8, end.Result.Nfe.Search + end.Result.Nfe.Final);
            Assert.True(end.Result.Images[0].ScoresByVerifier.ContainsKey(verifier));
        }
        else
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(Request(model, verifier), timeout.Token));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith("verifier:", e.Status.Detail);
            Assert.Contains("cannot score", e.Status.Detail);
            var after = await client.GetUsageAsync();
            Assert.Equal((before.JobsAdmitted, before.NfeToday, before.ReservedNfe), (after.JobsAdmitted, after.NfeToday, after.ReservedNfe));
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task OverHttpJsonAPairCompletesOrIsRefusedBeforeAnyWork(string model, string verifier)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Endpoints.Json!), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", ShippedPlatformFixture.Key);
        using var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
        bool listed = models.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == model)
            .GetProperty("verifiers").EnumerateArray().Any(v => v.GetString() == verifier);
        var body = Google.Protobuf.JsonFormatter.Default.Format(Request(model, verifier));
        using var response = await http.PostAsync("/v1/jobs:generate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (listed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var last = JsonDocument.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
            Assert.True(last.TryGetProperty("result", out var result), $"{model} with {verifier}: {text}");
            Assert.Equal(1, result.GetProperty("images").GetArrayLength());
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var status = JsonDocument.Parse(text).RootElement;
            Assert.Equal((int)StatusCode.InvalidArgument, status.GetProperty("code").GetInt32());
            Assert.StartsWith("verifier:", status.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task EachKindOfModelHasADefaultVerifierThatCanScoreIt()
    {
        using var client = new GenerationPlatformClient(new Uri(fixture.Endpoints.Grpc), ShippedPlatformFixture.Key);
        var models = (await client.ListModelsAsync()).Models;
        Assert.Equal("classifier", models.Single(m => m.Name == ShippedPlatformFixture.ClassModel).DefaultVerifier);
        Assert.Equal("text-align", models.Single(m => m.Name == ShippedPlatformFixture.TextModel).DefaultVerifier);
        // A request that names no verifier gets the model's: a prompt job is scored against its prompt.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var end = await client.GenerateToEndAsync(Request(ShippedPlatformFixture.TextModel, ""), timeout.Token);
        Assert.Equal("text-align", end.Result.Verifier);
        Assert.All(models, m => Assert.True(m.ForwardFlops > 0, m.Name));
    }

    [Fact]
    public async Task VerifierComputeIsChargedToTheTenantApartFromNfeAndInTotal()
    {
        using var client = new GenerationPlatformClient(new Uri(fixture.Endpoints.Grpc), ShippedPlatformFixture.Key);
        var before = await client.GetUsageAsync();
        var request = Request(ShippedPlatformFixture.ClassModel, "classifier");
        (request.BudgetNfe, request.Steps) = (32, 4); // eight candidates of four Euler steps
        request.ReportedVerifiers.Add("resnet-probe"); // ImageNet ResNet-18 at 224x224: about 13 NFE-equivalents of this model an image
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var updates = new List<JobUpdate>();
        await foreach (var update in client.GenerateAsync(request, timeout.Token)) updates.Add(update);
        long planned = updates[0].Accepted.VerifierNfePlanned;
        Assert.InRange(planned, 8 * 13, 4 * 32);
        var job = await client.GetJobAsync(updates[0].Accepted.JobId);
        Assert.InRange(job.SpentVerifierNfe, 8 * 13, planned);
        Assert.Equal(job.SpentVerifierNfe, (long)Math.Ceiling(updates[^1].Result.VerifierNfeEquivalents - 1e-9));

        var after = await client.GetUsageAsync();
        Assert.Equal(before.SettledNfeTotal + 32, after.SettledNfeTotal);
        Assert.Equal(before.SettledVerifierNfeTotal + job.SpentVerifierNfe, after.SettledVerifierNfeTotal);
        Assert.Equal(after.NfeToday + after.VerifierNfeToday, after.ChargedToday);
        Assert.True(after.ChargedToday - before.ChargedToday >= 32 + job.SpentVerifierNfe, "the day's quota is charged both");
    }

    [Fact]
    public async Task AOneStepJobWithFourResNetEnsemblesIsRefusedAtPlanningNamingTheVerifier()
    {
        using var client = new GenerationPlatformClient(new Uri(fixture.Endpoints.Grpc), ShippedPlatformFixture.Key);
        var request = Request(ShippedPlatformFixture.ClassModel, "ensemble(resnet-probe,self-consistency)");
        (request.BudgetNfe, request.Steps) = (16, 1);
        request.ReportedVerifiers.Add(["ensemble(resnet-probe,classifier)", "ensemble(self-consistency,classifier)", "ensemble(resnet-probe,class-gaussian)"]);
        var before = await client.GetUsageAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("verifier: scoring ", e.Status.Detail);
        Assert.Contains(" images with 'ensemble(resnet-probe,self-consistency)' costs ", e.Status.Detail);
        Assert.Contains("over the limit of 4 x budget_nfe = 64", e.Status.Detail);
        Assert.Equal(before.JobsAdmitted, (await client.GetUsageAsync()).JobsAdmitted);
    }
}
