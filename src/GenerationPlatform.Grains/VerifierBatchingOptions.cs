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
}
