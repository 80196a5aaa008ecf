namespace GenerationPlatform.Contracts;

/// <summary>Counters of a denoiser activation: model calls and the trajectory-steps they carried.</summary>
[GenerateSerializer, Immutable]
public sealed record DenoiserStats(
    [property: Id(0)] long ModelCalls,
    [property: Id(1)] long TrajectorySteps,
    [property: Id(2)] int MaxBatch,
    [property: Id(3)] TimeSpan ComputeTime)
{
    public double MeanBatch => ModelCalls == 0 ? 0 : TrajectorySteps / (double)ModelCalls;
}
