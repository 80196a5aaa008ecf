namespace GenerationPlatform.Grains;

/// <summary>Step-level batching of the denoiser grains (section GenerationPlatform:Denoiser).</summary>
public sealed class DenoiserOptions
{
    public const string Section = "GenerationPlatform:Denoiser";

    /// <summary>
    /// Most trajectory steps in one model call; 0: measured when the silo starts, before it reports ready (the knee of rows/s
    /// against batch size on this silo's device), or remembered from an earlier start in <see cref="CapCacheFolder"/>.
    /// </summary>
    public int MaxBatch { get; set; }

    /// <summary>The largest batch a calibration measures.</summary>
    public int CalibrationMaxBatch { get; set; } = 256;

    /// <summary>Measuring time per batch size in a calibration, split between its repeats.</summary>
    public TimeSpan CalibrationTimePerSize { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Timings per batch size in a calibration: the cap is the knee of a monotone fit of their medians.</summary>
    public int CalibrationRepeats { get; set; } = 3;

    /// <summary>
    /// Where measured caps are remembered, a small file per (model, machine), so that a restart does not measure again; a
    /// changed model file, processor, core count, backend, device or thread count measures anew. Empty: nothing remembered.
    /// </summary>
    public string CapCacheFolder { get; set; } = Path.Combine(Path.GetTempPath(), "genplat-batch-caps");

    /// <summary>
    /// How long the first model call after idle may wait for more work before running a batch that is not full (later calls
    /// never wait: newcomers join at the next step).
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Request-level batching instead (the baseline the benchmark compares with).</summary>
    public bool WholeRequests { get; set; }
    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxBatch < 0) yield return $"{Section}:MaxBatch must not be negative (0: measured) (got {MaxBatch})";
        if (MaxWait < TimeSpan.Zero) yield return $"{Section}:MaxWait must not be negative (got {MaxWait})";
        if (CalibrationMaxBatch < 1) yield return $"{Section}:CalibrationMaxBatch must be positive (got {CalibrationMaxBatch})";
        if (CalibrationRepeats is < 1 or > 15) yield return $"{Section}:CalibrationRepeats must be between 1 and 15 (got {CalibrationRepeats})";
        if (CalibrationTimePerSize <= TimeSpan.Zero) yield return $"{Section}:CalibrationTimePerSize must be positive (got {CalibrationTimePerSize})";
    }
}
