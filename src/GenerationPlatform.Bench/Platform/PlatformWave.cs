namespace GenerationPlatform.Bench.Platform;

/// <summary>What one timed wave of K jobs took, on either side, and the JIT compilation that ran during it (any thread of the process).</summary>
internal sealed record PlatformWave(long Nfe, TimeSpan Wall, double[] LatencySeconds, double[] TopScores, TimeSpan Sampler, TimeSpan Verifier, long ModelCalls,
    long TrajectorySteps, TimeSpan Jit);
