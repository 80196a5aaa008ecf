using GenerationPlatform.Contracts;
using System.Diagnostics;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Silo;
using GenerationPlatform.Storage;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The edge's limits and mappings that need a host of their own (a short stream age, no silo serving the
/// model), and the catalogue and naming rules underneath. In the platform collection: hosts here pick free
/// ports, which must not race the shared host's.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class EdgeLimitTests(PlatformFixture fixture)
{
    [Fact]
    public async Task AStreamPastItsMaximumAgeEndsWithWhereToGoOnAndTheClientGoesOn()
    {
        await using var host = await OwnHost.StartAsync(new() { ["GenerationPlatform:Api:Limits:MaxWatchDuration"] = "00:00:01" });
        using var client = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        var job = await client.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 4000, seed: 3));
        try
        {
            // The raw stream: DEADLINE_EXCEEDED after a second, naming the index after the last update sent.
            var raw = client.Raw.Watch(new WatchRequest { JobId = job.JobId });
            var seen = new List<JobUpdate>();
            var clock = Stopwatch.StartNew();
            var expired = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await raw.ResponseStream.MoveNext(CancellationToken.None)) seen.Add(raw.ResponseStream.Current);
            });
            Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);
            Assert.StartsWith("watch:", expired.Status.Detail);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
            Assert.Equal(seen.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), expired.Trailers.GetValue(GenerationPlatformClient.NextIndexTrailer));

            // The typed client re-attaches from there: one unbroken history, to the job's end.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var updates = new List<JobUpdate>();
            clock.Restart();
            await foreach (var u in client.WatchAsync(job.JobId, cancellationToken: stop.Token))
            {
                updates.Add(u);
                if (clock.Elapsed > TimeSpan.FromSeconds(2.5) && updates.Count(x => x.UpdateCase == JobUpdate.UpdateOneofCase.Ended) == 0)
                    await client.CancelAsync(job.JobId, stop.Token);
            }
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(2), $"{clock.Elapsed}: the stream never outlived its maximum age");
            Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.Index));
            Assert.Equal(JobState.Cancelled, updates[^1].Ended.State);
        }
        finally
        {
            await client.CancelAsync(job.JobId);
        }
    }

    [Fact]
    public async Task GenerateFollowsItsJobPastTheStreamsMaximumAge()
    {
        await using var host = await OwnHost.StartAsync(new() { ["GenerationPlatform:Api:Limits:MaxWatchDuration"] = "00:00:01" });
        using var client = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        var request = PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 4000, seed: 4);
        request.Deadline = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(2.5));
        var clock = Stopwatch.StartNew();
        var end = await client.GenerateToEndAsync(request);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(2), $"{clock.Elapsed}");
        Assert.Equal(JobState.DeadlineExceeded, end.Ended.State);
    }

    [Fact]
    public async Task WithNoSiloServingTheModelASubmitIsUnavailableInOurWords()
    {
        await using var host = await OwnHost.StartAsync(new() { ["GenerationPlatform:Silo:Accelerator"] = "none" });
        using var client = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(PlatformFixture.Request()));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.StartsWith("cluster: the cluster cannot take the job now; retry", e.Status.Detail);
        foreach (var leak in new[] { "Exception", "silo", "Silo", "127.0.0.1", "grain", PlatformFixture.Model })
            Assert.DoesNotContain(leak, e.Status.Detail);
        // Nothing was reserved: the tenant's usage shows no job.
        Assert.Equal(0, (await client.GetUsageAsync()).ActiveJobs);
    }

    [Fact]
    public async Task AStoreThatCannotBeReadIsUnavailableWithoutItsExceptionText()
    {
        await using var host = await OwnHost.StartAsync([], builder =>
        {
            var registered = builder.Services.Last(d => d.ServiceType == typeof(IResultStore));
            builder.Services.Remove(registered);
            builder.Services.AddSingleton<IResultStore>(sp => new UnreadableStore((IResultStore)registered.ImplementationFactory!(sp)));
        });
        using var client = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        var generate = await Assert.ThrowsAsync<RpcException>(() => client.GenerateToEndAsync(PlatformFixture.Request(seed: 9)));
        var submitted = await client.SubmitAsync(PlatformFixture.Request(seed: 10));
        RpcException? get = null;
        for (int i = 0; i < 200 && get is null; i++)
        {
            try { await client.GetJobAsync(submitted.JobId); await Task.Delay(50); }
            catch (RpcException e) { get = e; }
        }
        foreach (var e in new[] { generate, get! })
        {
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
            Assert.StartsWith("result: the result of job ", e.Status.Detail);
            Assert.DoesNotContain(UnreadableStore.Secret, e.Status.Detail);
            Assert.DoesNotContain("Exception", e.Status.Detail);
        }
    }

    /// <summary>A store whose reads fail as a blob store's would, with an account name in the message.</summary>
    private sealed class UnreadableStore(IResultStore inner) : IResultStore
    {
        public const string Secret = "secretaccount.blob.core.windows.net";

        public string Kind => inner.Kind;

        public Task<StoredResult> WriteAsync(string tenantId, string jobId, IReadOnlyList<ReadOnlyMemory<byte>> topPngs, ReadOnlyMemory<byte> resultJson,
            CancellationToken cancellationToken = default) => inner.WriteAsync(tenantId, jobId, topPngs, resultJson, cancellationToken);

        public Task<StoredResultContent?> ReadAsync(string tenantId, string jobId, CancellationToken cancellationToken = default) =>
            throw new ResultStoreException($"GET https://{Secret}/results/{tenantId}/{jobId}/result.json: 503 ServerBusy after 30 attempts");

        public Task<bool> DeleteAsync(string tenantId, string jobId, CancellationToken cancellationToken = default) =>
            throw new ResultStoreException($"DELETE https://{Secret}/results/{tenantId}/{jobId}/result.json: 503 ServerBusy after 30 attempts");
    }

    [Fact]
    public void KestrelPingsIdleHttp2Connections()
    {
        var kestrel = fixture.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(30), kestrel.Limits.Http2.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), kestrel.Limits.Http2.KeepAlivePingTimeout);
    }

    [Fact]
    public void TheCatalogueServesRegisteredOnnxVerifiersByTheirOneSpelling()
    {
        var spec = new OnnxVerifierSpec { Path = "m.onnx", Input = "x", Output = "y", FlopsPerImage = 1e6 };
        var catalog = new GenerationPlatform.Api.ConfiguredCatalog(new ModelCatalogue(Options.Create(new ModelOptions())),
            new GenerationPlatform.Verifiers.ServedVerifiers(new OnnxVerifierRegistry { Onnx = { ["Aesthetic"] = spec, ["with+plus"] = spec } }));
        var names = catalog.Verifiers.Select(v => v.Name).ToArray();
        Assert.Equal([.. VerifierNames.BaseNames, "onnx:aesthetic"], names);
        var jobs = (GenerationPlatform.Search.Jobs.ISearchJobCatalog)catalog;
        Assert.NotNull(jobs.Verifier("onnx:aesthetic"));
        Assert.Null(jobs.Verifier("onnx:Aesthetic")); // not canonical: the edge canonicalises first
        Assert.Null(jobs.Verifier("onnx:with+plus"));
        Assert.Equal(GenerationPlatform.Search.AlgorithmCatalog.Names, ((GenerationPlatform.Api.IServedCatalog)catalog).Algorithms);
    }

    [Theory]
    [InlineData("classifier", "classifier")]
    [InlineData(" Class-Gaussian\t", "class-gaussian")]
    [InlineData("ONNX:Aesthetic", "onnx:aesthetic")]
    [InlineData("Ensemble( Classifier ,  class-gaussian )", "ensemble(classifier,class-gaussian)")]
    [InlineData("ensemble(classifier,ensemble(resnet-probe,onnx:a))", "ensemble(classifier,ensemble(resnet-probe,onnx:a))")]
    [InlineData("ensemble(class-gaussian,classifier)", "ensemble(class-gaussian,classifier)")] // order is kept: it is the order of the scores
    public void AVerifierSpecHasOneSpelling(string spec, string canonical)
    {
        Assert.Equal(canonical, VerifierNames.Canonical(spec, out var problem));
        Assert.Null(problem);
        Assert.Equal(canonical, VerifierNames.Canonical(canonical, out _)); // canonical is a fixed point
    }

    [Theory]
    [InlineData("", "expected a verifier name")]
    [InlineData("c lassifier", "a space inside the name")]
    [InlineData("classifier;drop", "unexpected ';'")]
    [InlineData("ensemble(classifier)", "at least two")]
    [InlineData("ensemble(classifier,Classifier)", "'classifier' is listed twice")]
    [InlineData("ensemble(classifier,class-gaussian", "not closed")]
    [InlineData("ensemble(classifier,,class-gaussian)", "expected a verifier name")]
    [InlineData("classifier(class-gaussian,resnet-probe)", "only ensemble(...) takes members")]
    [InlineData("ensemble(a,ensemble(b,ensemble(c,ensemble(d,ensemble(e,f)))))", "nest at most 4")]
    [InlineData("clässifier", "unexpected 'ä'")]
    public void AMalformedVerifierSpecSaysWhy(string spec, string why)
    {
        Assert.Null(VerifierNames.Canonical(spec, out var problem));
        Assert.Contains(why, problem);
    }
}
