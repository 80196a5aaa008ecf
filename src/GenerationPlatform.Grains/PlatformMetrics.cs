using System.Diagnostics.Metrics;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;

namespace GenerationPlatform.Grains;

/// <summary>The grains' instruments, on the platform meter (<see cref="SearchTelemetry.Meter"/>).</summary>
public static class PlatformMetrics
{
    public static readonly UpDownCounter<long> ActiveJobs = SearchTelemetry.Meter.CreateUpDownCounter<long>("genplat.jobs.active", "{job}",
        "Search jobs running on this silo, by tenant");

    public static readonly Histogram<double> JobDuration = SearchTelemetry.Meter.CreateHistogram<double>("genplat.job.duration", "s",
        "Time from a job's acceptance to its end, by tenant, algorithm and outcome",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000] });

    public static readonly Counter<long> Jobs = SearchTelemetry.Meter.CreateCounter<long>("genplat.jobs", "{job}",
        "Jobs ended, by tenant and outcome (completed, cancelled, deadline_exceeded, failed)");

    public static readonly Counter<long> QuotaRejections = SearchTelemetry.Meter.CreateCounter<long>("genplat.quota.rejections", "{request}",
        "Requests turned away by a tenant quota, by tenant and quota");

    public static string Tag(JobStatus status) => status switch
    {
        JobStatus.Completed => "completed",
        JobStatus.Cancelled => "cancelled",
        JobStatus.DeadlineExceeded => "deadline_exceeded",
        JobStatus.Failed => "failed",
        JobStatus.Rejected => "rejected",
        _ => "running",
    };

    public static string Tag(QuotaRejection rejection) => rejection switch
    {
        QuotaRejection.ConcurrentJobs => "concurrent_jobs",
        QuotaRejection.NfePerMinute => "nfe_per_minute",
        QuotaRejection.NfePerDay => "nfe_per_day",
        QuotaRejection.BudgetPerRequest => "budget_per_request",
        _ => "invalid_request",
    };
}
