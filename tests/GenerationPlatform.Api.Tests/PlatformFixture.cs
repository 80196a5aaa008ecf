extern alias server;
using server::GenerationPlatform.Api;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Grains;
using GenerationPlatform.Grains.Tests;
using GenerationPlatform.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Net;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The real host in-process (silo, gRPC on an h2c port, health on an HTTP port, local-folder results
/// in a temporary folder), on free loopback ports, serving the analytic field and verifier.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    public const string AlphaKey = "alpha-key-0123456789", BetaKey = "beta-key-9876543210", SoloKey = "solo-key-555", SmallKey = "small-key-777";
    public const string Model = "gauss-e2e", SlowModel = "slow-e2e", Verifier = "mean-target";

    public string ResultsFolder { get; } = Path.Combine(Path.GetTempPath(), $"genplat-api-tests-{Guid.NewGuid():N}");
    public WebApplication App { get; private set; } = null!;
    public PlatformEndpoints Endpoints { get; private set; } = null!;
    public Uri GrpcAddress => new(Endpoints.Grpc);
    public Uri HttpAddress => new(Endpoints.Http);

    public async Task InitializeAsync()
    {
        App = await StartHostAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = ResultsFolder,
        }, Configure);
        Endpoints = PlatformHost.Endpoints(App);
    }

    /// <summary>Starts the real host on free loopback ports with the test tenants, quotas and analytic providers, plus <paramref name="settings"/>.</summary>
    public static async Task<WebApplication> StartHostAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var loopback = IPAddress.Loopback;
        var configuration = new Dictionary<string, string?>
        {
            ["GenerationPlatform:Host:GrpcPort"] = "0",
            ["GenerationPlatform:Host:HttpPort"] = "0",
            ["GenerationPlatform:Cluster:SiloPort"] = PlatformHostOptions.FreePort(loopback).ToString(),
            ["GenerationPlatform:Cluster:GatewayPort"] = PlatformHostOptions.FreePort(loopback).ToString(),
            ["GenerationPlatform:Auth:Tenants:alpha:KeySha256:0"] = ApiKeyAuthenticator.HashOf(AlphaKey),
            ["GenerationPlatform:Auth:Tenants:beta:KeySha256:0"] = ApiKeyAuthenticator.HashOf(BetaKey),
            ["GenerationPlatform:Auth:Tenants:solo:KeySha256:0"] = ApiKeyAuthenticator.HashOf(SoloKey),
            ["GenerationPlatform:Auth:Tenants:small:KeySha256:0"] = ApiKeyAuthenticator.HashOf(SmallKey),
            ["GenerationPlatform:Tenants:Default:MaxConcurrentJobs"] = "100",
            ["GenerationPlatform:Tenants:Default:NfePerMinute"] = "100000000",
            ["GenerationPlatform:Tenants:Default:NfePerDay"] = "1000000000",
            ["GenerationPlatform:Tenants:Default:MaxBudgetPerRequest"] = "100000",
            ["GenerationPlatform:Tenants:Quotas:solo:MaxConcurrentJobs"] = "1",
            ["GenerationPlatform:Tenants:Quotas:solo:MaxBudgetPerRequest"] = "100000",
            ["GenerationPlatform:Tenants:Quotas:small:MaxBudgetPerRequest"] = "100",
            ["GenerationPlatform:Denoiser:MaxWait"] = "00:00:00.002",
            ["GenerationPlatform:Verifier:MaxDelay"] = "00:00:00.002",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings) configuration[key] = value;
        var builder = PlatformHost.CreateBuilder([], configuration);
        builder.Services.AddSingleton<IVelocityFieldProvider, AnalyticFields>();
        builder.Services.AddSingleton<IVerifierProvider, AnalyticVerifiers>();
        builder.Services.AddSingleton<IServedCatalog, AnalyticCatalog>();
        configure?.Invoke(builder);
        var app = PlatformHost.Build(builder);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>More services before the host is built (a derived fixture's exporters, for instance).</summary>
    protected virtual void Configure(WebApplicationBuilder builder) { }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(ResultsFolder, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    public GenerationPlatformClient Client(string key) => new(GrpcAddress, key);

    /// <summary>A valid request: 8 candidates of 19 NFE (Heun, 10 steps), top 2.</summary>
    public static GenerateRequest Request(string model = Model, long budget = 19 * 8, ulong seed = 7) => new()
    {
        Model = model,
        Class = "Sneaker",
        Algorithm = "random",
        Verifier = Verifier,
        BudgetNfe = budget,
        TopK = 2,
        Steps = 10,
        Seed = seed,
        Sampler = Sampler.Heun,
    };
}

/// <summary>What the analytic providers serve: "gauss-*" and "slow-*" models, "mean-target*" verifiers.</summary>
public sealed class AnalyticCatalog : IServedCatalog
{
    public IReadOnlyList<ServedModel> Models { get; } =
        [new(PlatformFixture.Model, "the analytic Gaussian field"), new(PlatformFixture.SlowModel, "the analytic field, 5 ms per call")];

    public IReadOnlyList<ServedVerifier> Verifiers { get; } = [new(PlatformFixture.Verifier, "prefers a mean pixel near the target")];

    public bool ServesModel(string model) => model.StartsWith("gauss", StringComparison.Ordinal) || model.StartsWith("slow", StringComparison.Ordinal);

    public bool ServesVerifier(string canonicalName) => canonicalName.StartsWith("mean-target", StringComparison.Ordinal);
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
