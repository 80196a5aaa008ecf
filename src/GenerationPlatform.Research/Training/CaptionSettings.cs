namespace GenerationPlatform.Research.Training;

/// <summary>How the captioned training set is drawn and encoded: captions per image, the embedding cache, encoder threads, an image limit.</summary>
internal sealed record CaptionSettings(int PerImage, string CacheDir, int Threads, int? Limit)
{
    /// <summary>Default folder of the on-disk caption embedding cache.</summary>
    public const string DefaultCacheDir = "/tmp/genplat-text-cache";
}
