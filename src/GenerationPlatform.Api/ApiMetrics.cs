using System.Diagnostics.Metrics;
using GenerationPlatform.Search;

namespace GenerationPlatform.Api;

/// <summary>The edge's instruments, on the platform meter (<see cref="SearchTelemetry.Meter"/>).</summary>
internal static class ApiMetrics
{
    public static readonly Counter<long> FailedAuthentications = SearchTelemetry.Meter.CreateCounter<long>("genplat.auth.failures", "{call}",
        "Calls refused for their key: none, malformed, or unknown");

    public static readonly Counter<long> RateLimited = SearchTelemetry.Meter.CreateCounter<long>("genplat.rate.limited", "{call}",
        "Calls refused by a tenant's rate limit, by tenant");

    public static readonly Counter<long> UnknownJobIds = SearchTelemetry.Meter.CreateCounter<long>("genplat.jobs.unknown_ids", "{call}",
        "Calls on job ids this platform never issued to their tenant, answered NOT_FOUND without touching a grain");
}
