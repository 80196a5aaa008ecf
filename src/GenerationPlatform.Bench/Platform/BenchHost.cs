using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.Client;
using GenerationPlatform.Contracts;
using GenerationPlatform.Grains;
using GenerationPlatform.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace GenerationPlatform.Bench.Platform;

/// <summary>platform's other side: an embedded platform host in this process, the tenant's gRPC client to it, and its denoiser's statistics.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly GenerationPlatformClient client;
    private readonly IDenoiserGrain denoiser;

    private BenchHost(WebApplication app, GenerationPlatformClient client, IDenoiserGrain denoiser) =>
        (this.app, this.client, this.denoiser) = (app, client, denoiser);

    /// <param name="wholeRequests">The request-level baseline: the denoiser batches whole requests instead of steps.</param>
    /// <param name="device">Where the model's network runs (GenerationPlatform:Models:Device).</param>
    public static async Task<BenchHost> StartAsync(PlatformLoad load, bool wholeRequests, string results, string device, CancellationToken ct)
    {
        var key = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var overrides = new Dictionary<string, string?>
        {
            ["GenerationPlatform:Tenants:Default:MaxConcurrentJobs"] = load.Jobs.ToString(CultureInfo.InvariantCulture),
            ["GenerationPlatform:Tenants:Default:NfePerMinute"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
            ["GenerationPlatform:Tenants:Default:NfePerDay"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
            ["GenerationPlatform:Tenants:Default:MaxBudgetPerRequest"] = load.Budget.ToString(CultureInfo.InvariantCulture),
            // One tenant submits K jobs a wave, waves back to back: what is measured is throughput, not admission (on a fast
            // device the waves would outrun the default submit burst).
            ["GenerationPlatform:Api:RateLimits:Enabled"] = "false",
            ["GenerationPlatform:Denoiser:MaxBatch"] = load.MaxBatch.ToString(CultureInfo.InvariantCulture),
            ["GenerationPlatform:Denoiser:WholeRequests"] = wholeRequests ? "true" : "false",
            ["GenerationPlatform:Models:Device"] = device,
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = Path.Combine(results, wholeRequests ? "whole" : "step"),
        };
        var app = await EmbeddedPlatform.StartAsync(overrides.WithTenants([(BenchJobs.Tenant, key)]), builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error)
                .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error); // its CPU-starvation notes on a busy machine
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout: the figures only
        }, ct);
        var client = new GenerationPlatformClient(new Uri(PlatformHost.Endpoints(app).Grpc), key);
        // The embedded host is one silo: its denoiser for the shipped model.
        var denoiser = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IDenoiserGrain>(
            SiloBoundKey.Of(ModelOptions.ShippedModel, app.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress));
        return new BenchHost(app, client, denoiser);
    }

    /// <summary>K jobs, job j submitted at j x spacing (all at once by default); the wave ends when the last terminal update arrives.</summary>
    public async Task<PlatformWave> WaveAsync(PlatformLoad load, int wave, CancellationToken ct, TimeSpan spacing = default)
    {
        var before = await denoiser.GetStatsAsync(ct);
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var wall = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, load.Jobs).Select(j => Task.Run(async () =>
        {
            if (spacing > TimeSpan.Zero) await Task.Delay(spacing * j, ct);
            return await BenchJobs.RunAsync(client, wave, j, load.Budget, load.TopK, load.Steps, ct);
        }, ct)));
        wall.Stop();
        var after = await denoiser.GetStatsAsync(ct);
        return new PlatformWave(outcomes.Sum(o => o.Nfe), wall.Elapsed, outcomes.Select(o => o.Seconds).ToArray(), outcomes.Select(o => o.Top).ToArray(),
            after.ComputeTime - before.ComputeTime, TimeSpan.Zero, after.ModelCalls - before.ModelCalls, after.TrajectorySteps - before.TrajectorySteps,
            System.Runtime.JitInfo.GetCompilationTime() - jit);
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
