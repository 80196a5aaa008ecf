namespace GenerationPlatform.Grains;

/// <summary>Micro-batching of the verifier grains (section GenerationPlatform:Verifier).</summary>
public sealed class VerifierBatchingOptions
{
    public const string Section = "GenerationPlatform:Verifier";

    /// <summary>A flush starts as soon as this many images are queued.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>The longest the first queued image waits for a flush.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Images one owner (tenant) may have queued at one verifier; a submission beyond it is refused.</summary>
    public int MaxQueuedImagesPerOwner { get; set; } = 65_536;
    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxBatch <= 0) yield return $"{Section}:MaxBatch must be positive (got {MaxBatch})";
        if (MaxDelay <= TimeSpan.Zero) yield return $"{Section}:MaxDelay must be positive (got {MaxDelay})";
        if (MaxQueuedImagesPerOwner <= 0) yield return $"{Section}:MaxQueuedImagesPerOwner must be positive (got {MaxQueuedImagesPerOwner})";
    }
}
