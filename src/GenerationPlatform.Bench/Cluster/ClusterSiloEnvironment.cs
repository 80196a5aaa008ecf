using System.Globalization;
using GenerationPlatform.Api;
using GenerationPlatform.Contracts;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>
/// The configuration of a benchmark silo, as GenerationPlatform__... environment variables (a container's way): cluster
/// mode on loopback with Azurite, the shipped model on denoiser silos only, one results folder, the tenant's key and quotas
/// that never get in the way.
/// </summary>
internal static class ClusterSiloEnvironment
{
    /// <param name="simulatedModel">The simulated model's folder, when the denoisers run it.</param>
    public static Dictionary<string, string> For(BenchClusterSettings settings, string clusterId, string connectionString, string key, string results, bool denoiser, int maxBatch,
        string? simulatedModel = null)
    {
        var env = TorchThreadsProbe.Environment(settings.Threads);
        env["GenerationPlatform__Host__Mode"] = "cluster";
        env["GenerationPlatform__Host__ListenAddress"] = "127.0.0.1";
        env["GenerationPlatform__Cluster__ClusterId"] = clusterId;
        env["GenerationPlatform__Cluster__ServiceId"] = clusterId;
        env["GenerationPlatform__Cluster__AdvertisedIp"] = "127.0.0.1";
        env["GenerationPlatform__Cluster__ConnectionString"] = connectionString;
        env["GenerationPlatform__Silo__Accelerator"] = denoiser ? "cpu" : "none";
        env["GenerationPlatform__Silo__Models"] = simulatedModel is null ? ModelOptions.ShippedModel : SimulatedGpu.ModelName;
        // Every silo knows the model (the API silo describes it to tenants); only denoiser silos load it.
        if (simulatedModel is not null) env["GenerationPlatform__Models__Folders__0"] = simulatedModel;
        // Denoiser silos are dedicated: search jobs and their verifier work stay on the API silo, so the scaling
        // measured is the denoisers' alone.
        env["GenerationPlatform__Silo__HostsJobs"] = denoiser ? "false" : "true";
        env["GenerationPlatform__Denoiser__MaxBatch"] = Text(maxBatch);
        env["GenerationPlatform__Results__Kind"] = "folder";
        env["GenerationPlatform__Results__Path"] = results; // one folder: whichever silo stores a result, the API silo reads it
        env[$"GenerationPlatform__Auth__Tenants__{BenchJobs.Tenant}__KeySha256__0"] = ApiKeyAuthenticator.HashOf(key);
        env["GenerationPlatform__Tenants__Default__MaxConcurrentJobs"] = Text(Math.Max(settings.Jobs, 4));
        env["GenerationPlatform__Tenants__Default__NfePerMinute"] = Text(long.MaxValue / 4);
        env["GenerationPlatform__Tenants__Default__NfePerDay"] = Text(long.MaxValue / 4);
        env["GenerationPlatform__Tenants__Default__MaxBudgetPerRequest"] = Text(settings.Budget);
        env["GenerationPlatform__Api__Limits__MaxWatchStreamsPerTenant"] = Text(Math.Max(16, settings.Jobs));
        // Capacity, not the edge: the one tenant submits K jobs at once, more than a tenant's default burst (loadtest measures the limits).
        env["GenerationPlatform__Api__RateLimits__Enabled"] = "false";
        env["Logging__LogLevel__Default"] = "Warning";
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = ""; // no exporter: the figures come from /metrics
        return env;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
