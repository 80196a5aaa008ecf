namespace GenerationPlatform.Bench.Platform;

/// <summary>What one timed wave of K jobs took, on either side.</summary>
internal sealed record PlatformWave(long Nfe, TimeSpan Wall, double[] LatencySeconds, double[] TopScores, TimeSpan Sampler, TimeSpan Verifier, long ModelCalls,
    long TrajectorySteps);
