namespace GenerationPlatform.Bench.LoadTest;

/// <summary>A phase's length and the grain storage operations counted during it.</summary>
internal sealed record PhaseStorage(TimeSpan Duration, long Operations)
{
    public double PerSecond => Operations / Math.Max(Duration.TotalSeconds, 1e-9);
}
