namespace GenerationPlatform.Contracts;

/// <summary>The sampler of a trajectory (mirrors GenerationPlatform.Diffusion.Sampling.SamplerKind by value).</summary>
[GenerateSerializer]
public enum Sampler
{
    Euler = 0,
    Heun = 1,
    Stochastic = 2,
}

/// <summary>One candidate's randomness: (request seed, search round, candidate index).</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateSeed(
    [property: Id(0)] ulong Seed,
    [property: Id(1)] uint Round,
    [property: Id(2)] uint Candidate);

/// <summary>A trajectory segment to denoise: the wire form of a TrajectorySpec.</summary>
[GenerateSerializer, Immutable]
public sealed record DenoiseSegment(
    [property: Id(0)] CandidateSeed Seed,
    [property: Id(1)] int Label,
    [property: Id(2)] float Guidance,
    [property: Id(3)] Sampler Sampler,
    [property: Id(4)] int Steps,
    [property: Id(5)] float TFrom,
    [property: Id(6)] float TTo,
    [property: Id(7)] float Eta,
    [property: Id(8)] float[]? X0Times,
    [property: Id(9)] float[]? InitialState,
    [property: Id(10)] int StepOffset);

/// <summary>An x0-prediction captured on the way down.</summary>
[GenerateSerializer]
public sealed record X0Capture(
    [property: Id(0)] float RequestedTime,
    [property: Id(1)] float Time,
    [property: Id(2)] float[] Image);

/// <summary>The end of one denoised segment.</summary>
[GenerateSerializer]
public sealed record SegmentOutcome(
    [property: Id(0)] float[] State,
    [property: Id(1)] float Time,
    [property: Id(2)] X0Capture[] X0Predictions,
    [property: Id(3)] int Nfe,
    [property: Id(4)] int ModelEvaluations);

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

/// <summary>
/// Step-level continuous batching of trajectory segments for one model, shared by all jobs and
/// tenants on a silo. Key: the model name.
/// </summary>
public interface IDenoiserGrain : IGrainWithStringKey
{
    /// <param name="owner">The tenant the work is for: batches are shared fairly between owners.</param>
    /// <returns>Outcome i belongs to segment i.</returns>
    /// <remarks>
    /// A call lasts as long as its trajectories take in batches shared with every other job, which under
    /// load is far beyond Orleans' default 30 s response timeout; the job's deadline (at most an hour)
    /// and cancellation bound it instead.
    /// </remarks>
    [ResponseTimeout("01:00:00")]
    Task<SegmentOutcome[]> DenoiseAsync(DenoiseSegment[] segments, string owner, CancellationToken cancellationToken = default);

    Task<DenoiserStats> GetStatsAsync(CancellationToken cancellationToken = default);
}
