namespace GenerationPlatform.Serving;

/// <summary>Counters of a batching denoiser: model calls, trajectory-steps and their batch fill.</summary>
public sealed record BatchingStats(long ModelCalls, long TrajectorySteps, int MaxBatch, TimeSpan ComputeTime)
{
    public double MeanBatch => ModelCalls == 0 ? 0 : TrajectorySteps / (double)ModelCalls;
    public double MeanFill => MaxBatch == 0 ? 0 : MeanBatch / MaxBatch;
}
