using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Grains;
using GenerationPlatform.Grains.Tests;
using GenerationPlatform.Silo;
using Microsoft.AspNetCore.Builder;
using GenerationPlatform.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The real host in-process (silo, gRPC on an h2c port, health on an HTTP port, local-folder results
/// in a temporary folder), on free loopback ports, serving the analytic field and verifier.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    public const string AlphaKey = "alpha-key-0123456789", BetaKey = "beta-key-9876543210", SoloKey = "solo-key-555", SmallKey = "small-key-777",
        WatcherKey = "watcher-key-31337";
    public const string Model = "gauss-e2e", SlowModel = "slow-e2e", Verifier = "mean-target";

    /// <summary>The registered ONNX verifier, as configured (mixed case: requested and listed as onnx:bright).</summary>
    public const string OnnxName = "Bright";

    private static readonly Lazy<string> OnnxModelFile = new(() =>
    {
        var file = Path.Combine(Path.GetTempPath(), $"genplat-api-tests-{Environment.ProcessId}-bright.onnx");
        File.WriteAllBytes(file, [0]);
        return file;
    });

    public string ResultsFolder { get; } = Path.Combine(Path.GetTempPath(), $"genplat-api-tests-{Guid.NewGuid():N}");
    public WebApplication App { get; private set; } = null!;
    public PlatformEndpoints Endpoints { get; private set; } = null!;
    public Uri GrpcAddress => new(Endpoints.Grpc);
    public Uri HttpAddress => new(Endpoints.Http);

    /// <summary>What the host logged at Warning and above.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Reads of the result store so far (the API's, to answer GetJob and Watch).</summary>
    public long StoreReads => App.Services.GetRequiredService<IResultStore>() is CountingResultStore counting
        ? counting.Reads : throw new InvalidOperationException("no counting store");

    public async Task InitializeAsync()
    {
        App = await StartHostAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = ResultsFolder,
        }, builder =>
        {
            builder.Logging.AddProvider(Logs);
            CountingResultStore.Install(builder.Services);
            Configure(builder);
        });
        Endpoints = PlatformHost.Endpoints(App);
    }

    /// <summary>Starts the real host on free loopback ports with the test tenants, quotas and analytic providers, plus <paramref name="settings"/>.</summary>
    public static async Task<WebApplication> StartHostAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["GenerationPlatform:Tenants:Default:MaxConcurrentJobs"] = "100",
            ["GenerationPlatform:Tenants:Default:NfePerMinute"] = "100000000",
            ["GenerationPlatform:Tenants:Default:NfePerDay"] = "1000000000",
            ["GenerationPlatform:Tenants:Default:MaxBudgetPerRequest"] = "100000",
            ["GenerationPlatform:Tenants:Quotas:solo:MaxConcurrentJobs"] = "1",
            ["GenerationPlatform:Tenants:Quotas:solo:MaxBudgetPerRequest"] = "100000",
            ["GenerationPlatform:Tenants:Quotas:small:MaxBudgetPerRequest"] = "100",
            ["GenerationPlatform:Denoiser:MaxWait"] = "00:00:00.002",
            ["GenerationPlatform:Verifier:MaxDelay"] = "00:00:00.002",
            // An operator's ONNX verifier as the silos register it (FixtureVerifiers scores it analytically; the file only has to exist).
            [$"GenerationPlatform:Verifiers:Onnx:{OnnxName}:Path"] = OnnxModelFile.Value,
            [$"GenerationPlatform:Verifiers:Onnx:{OnnxName}:Input"] = "image",
            [$"GenerationPlatform:Verifiers:Onnx:{OnnxName}:Output"] = "score",
            [$"GenerationPlatform:Verifiers:Onnx:{OnnxName}:FlopsPerImage"] = "1568",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        // The tests' own pace is not what they test: rate limits far above it (RateLimitTests sets its own).
        foreach (var key in new[] { "CallsPerSecond", "CallBurst", "SubmitsPerMinute", "SubmitBurst", "FailuresPerMinute", "FailureBurst" })
            configuration[$"{GenerationPlatform.Api.RateLimitOptions.Section}:{key}"] = "1000000";
        configuration.WithTenants([("alpha", AlphaKey), ("beta", BetaKey), ("solo", SoloKey), ("small", SmallKey), ("watcher", WatcherKey)]);
        foreach (var (key, value) in settings) configuration[key] = value;
        return await EmbeddedPlatform.StartAsync(configuration, builder =>
        {
            builder.Services.AddSingleton<IVelocityFieldProvider, AnalyticFields>();
            builder.Services.AddSingleton<IVerifierProvider, FixtureVerifiers>();
            builder.Services.AddSingleton<AnalyticCatalog>();
            builder.Services.AddSingleton<IServedCatalog>(sp => sp.GetRequiredService<AnalyticCatalog>());
            configure?.Invoke(builder);
        });
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

/// <summary>What the analytic providers serve: "gauss-*" and "slow-*" models, "mean-target*" verifiers and the registered ONNX ones.</summary>
public sealed class AnalyticCatalog(Microsoft.Extensions.Options.IOptions<GenerationPlatform.Core.Verifiers.OnnxVerifierRegistry> onnx) : IServedCatalog
{
    private static readonly GenerationPlatform.Core.Model.ImageShape Shape = new(1, 28, 28);
    private static readonly GenerationPlatform.Core.Model.Conditioning Classes =
        GenerationPlatform.Diffusion.Data.FashionMnist.Conditioning;

    public IReadOnlyList<GenerationPlatform.Core.Model.ModelDescription> Models { get; } =
        [new(PlatformFixture.Model, "the analytic Gaussian field", "analytic", Shape, Shape, Classes, ForwardFlops: FieldFlops),
         new(PlatformFixture.SlowModel, "the analytic field, 5 ms per call", "analytic", Shape, Shape, Classes, ForwardFlops: FieldFlops)];

    /// <summary>What the analytic field's velocity costs per pixel, about: what its verifiers' NFE-equivalents are stated against.</summary>
    public const double FieldFlops = 10 * 784;

    public IReadOnlyList<GenerationPlatform.Core.Verifiers.VerifierDescription> Verifiers { get; } =
        [
            MeanTarget(PlatformFixture.Verifier),
            .. new GenerationPlatform.Verifiers.ServedVerifiers(onnx.Value, noiseAwareHead: false).Verifiers.Where(v => v.Name.StartsWith("onnx:", StringComparison.Ordinal)),
        ];

    public GenerationPlatform.Core.Model.ModelDescription? Model(string model) =>
        model.StartsWith("gauss", StringComparison.Ordinal) || model.StartsWith("slow", StringComparison.Ordinal)
            ? new(model, "the analytic Gaussian field", "analytic", Shape, Shape, Classes, ForwardFlops: FieldFlops) : null;

    /// <summary>Every "mean-target*" name is an analytic verifier of its own (tests use them to tell batches apart).</summary>
    public GenerationPlatform.Core.Verifiers.VerifierDescription? Verifier(string canonicalName) =>
        canonicalName.StartsWith("mean-target", StringComparison.Ordinal) ? MeanTarget(canonicalName) : Verifiers.FirstOrDefault(v => v.Name == canonicalName);

    private static GenerationPlatform.Core.Verifiers.VerifierDescription MeanTarget(string name) =>
        new(name, "prefers a mean pixel near the target", GenerationPlatform.Core.Verifiers.VerifierScope.Unconditional with { FlopsPerImage = MeanTargetVerifier.Flops });
}

/// <summary>
/// The analytic verifiers, plus what the silo's verifier catalog adds: ensembles of them, and the registered
/// <c>onnx:NAME</c> verifiers (scored here like mean-target, under their own name).
/// </summary>
public sealed class FixtureVerifiers : IVerifierProvider
{
    private readonly AnalyticVerifiers analytic = new();

    public GenerationPlatform.Core.Verifiers.IImageVerifier Get(string verifier) =>
        GenerationPlatform.Core.Verifiers.VerifierNames.Members(verifier) is { Count: > 0 } members
            ? new GenerationPlatform.Core.Verifiers.EnsembleVerifier(members.Select(Get).ToArray())
            : verifier == GenerationPlatform.Core.Verifiers.VerifierNames.OnnxPrefix + PlatformFixture.OnnxName.ToLowerInvariant()
                ? new MeanTargetVerifier(AnalyticVerifiers.Target, verifier)
                : analytic.Get(verifier);
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>The result store, counting the reads (the API's; the grains only write).</summary>
public sealed class CountingResultStore(IResultStore inner) : IResultStore
{
    private long reads;

    public long Reads => Interlocked.Read(ref reads);

    public string Kind => inner.Kind;

    public Task<StoredResult> WriteAsync(string tenantId, string jobId, IReadOnlyList<ReadOnlyMemory<byte>> topPngs, ReadOnlyMemory<byte> resultJson,
        CancellationToken cancellationToken = default) => inner.WriteAsync(tenantId, jobId, topPngs, resultJson, cancellationToken);

    public Task<StoredResultContent?> ReadAsync(string tenantId, string jobId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref reads);
        return inner.ReadAsync(tenantId, jobId, cancellationToken);
    }

    public Task<bool> DeleteAsync(string tenantId, string jobId, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(tenantId, jobId, cancellationToken);

    /// <summary>Wraps the store the host registered.</summary>
    public static void Install(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IResultStore));
        services.Remove(registered);
        services.AddSingleton<IResultStore>(sp => new CountingResultStore(registered.ImplementationFactory is { } factory
            ? (IResultStore)factory(sp)
            : (IResultStore)(registered.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
    }
}

/// <summary>Log entries at Warning and above, as the host wrote them.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> entries = new();

    public IReadOnlyList<Entry> Entries => entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
