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

    /// <summary>Batch caps and loads of the denoisers active on this silo, by model (one denoiser per model and silo).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<(int Cap, long Queued)>> Denoisers = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<int> BatchCap = SearchTelemetry.Meter.CreateObservableGauge("genplat.denoiser.batch.cap",
        () => Denoisers.Select(d => new Measurement<int>(d.Value().Cap, new KeyValuePair<string, object?>("model", d.Key))), "{trajectory}",
        "The most rows in one model call of the model's denoiser on this silo (measured at the knee of rows/s against batch size, or configured)");

    private static readonly ObservableGauge<long> QueuedSteps = SearchTelemetry.Meter.CreateObservableGauge("genplat.denoiser.queued",
        () => Denoisers.Select(d => new Measurement<long>(d.Value().Queued, new KeyValuePair<string, object?>("model", d.Key))), "{step}",
        "Trajectory steps queued or in flight at the model's denoiser on this silo (its load, as routing sees it)");

    /// <summary>Reports a denoiser's cap and load while it is active; dispose to stop.</summary>
    public static IDisposable ObserveDenoiser(string model, Func<(int Cap, long Queued)> read)
    {
        Denoisers[model] = read;
        return new Unregister(() => Denoisers.TryRemove(model, out _));
    }

    private sealed class Unregister(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

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
        QuotaRejection.Unavailable => "unavailable",
        _ => "invalid_request",
    };
}
