using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenerationPlatform.Search;

/// <summary>
/// The platform's own activity source and meter (both named <see cref="Name"/>). The science emits
/// through them with plain System.Diagnostics; hosts decide what to export (OpenTelemetry, in tests
/// an in-memory exporter). Instrument names are what dashboards query: change them only with the
/// dashboards (Prometheus turns <c>genplat.nfe</c> into <c>genplat_nfe_total</c>, seconds histograms into
/// <c>..._seconds_bucket</c>).
/// </summary>
public static class SearchTelemetry
{
    public const string Name = "GenerationPlatform";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Model evaluations done, by owner (tenant) and model: NFE/s is its rate.</summary>
    public static readonly Counter<long> Nfe = Meter.CreateCounter<long>("genplat.nfe", "{nfe}", "Denoiser evaluations (NFE) done, by tenant and model");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("genplat.denoiser.batch.size", "{trajectory}",
        "Trajectory steps carried by one model call", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    public static readonly Histogram<double> BatchFill = Meter.CreateHistogram<double>("genplat.denoiser.batch.fill", null,
        "Batch size over the maximum batch, per model call", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1] });

    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("genplat.denoiser.queue.wait", "s",
        "Time from a denoise request's arrival to its first model call",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 90, 120] });

    public static readonly Histogram<double> VerifierDuration = Meter.CreateHistogram<double>("genplat.verifier.duration", "s",
        "Wall time of one verifier batch",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static readonly Histogram<int> VerifierBatchSize = Meter.CreateHistogram<int>("genplat.verifier.batch.size", "{image}",
        "Images scored by one verifier batch", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
}
