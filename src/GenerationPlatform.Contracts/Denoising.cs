namespace GenerationPlatform.Contracts;

/// <summary>The sampler of a trajectory (mirrors GenerationPlatform.Core.Sampling.SamplerKind by value).</summary>
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
    [property: Id(10)] int StepOffset,
    /// <summary>The prompt embedding of a text model's trajectory (null: a class label, or the unconditional branch).</summary>
    [property: Id(11)] float[]? Embedding = null);

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

/// <summary>A served model as its denoisers describe it: state and image shapes, conditioning, backend and device.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] string Backend,
    [property: Id(3)] ImageDims Shape,
    [property: Id(4)] ImageDims Image,
    /// <summary>Class names of a class model (empty for a text model).</summary>
    [property: Id(5)] string[] Classes,
    /// <summary>The text encoder of a text model (null for a class model).</summary>
    [property: Id(6)] string? TextEncoder,
    [property: Id(7)] int EmbeddingSize,
    /// <summary>FLOPs of one forward pass of one sample (one NFE); 0: not known.</summary>
    [property: Id(8)] double ForwardFlops = 0);

/// <summary>What a denoiser has queued and how fast it works: what routing compares.</summary>
[GenerateSerializer, Immutable]
public sealed record DenoiserLoad(
    /// <summary>Trajectory steps (rows) queued or in flight.</summary>
    [property: Id(0)] long QueuedSteps,
    /// <summary>Recent rows per second of its model calls (0 before its first call).</summary>
    [property: Id(1)] double RowsPerSecond,
    /// <summary>The most rows in one model call (measured or configured).</summary>
    [property: Id(2)] int BatchCap,
    [property: Id(3)] int ActiveRequests)
{
    /// <summary>Seconds until new work would start, by this report: queued rows over the rate (rows alone before a rate is known).</summary>
    public double ExpectedWait => RowsPerSecond > 0 ? QueuedSteps / RowsPerSecond : QueuedSteps;
}

/// <summary>
/// Step-level continuous batching of trajectory segments for one model on one silo, shared by all
/// jobs and tenants whose calls are routed to it. Key: <c>{model}|{silo}</c> (see DenoiserKey): one
/// per (model, accelerator silo), so capacity grows with silos.
/// </summary>
public interface IDenoiserGrain : IGrainWithStringKey
{
    /// <param name="owner">The tenant the work is for: batches are shared fairly between owners.</param>
    /// <param name="priority">Order inside the owner's share, lower first: the job's admission time (UTC ticks).</param>
    /// <returns>Outcome i belongs to segment i.</returns>
    /// <remarks>
    /// A call lasts as long as its trajectories take in batches shared with every other job, which under
    /// load is far beyond Orleans' default 30 s response timeout; the job's deadline (at most an hour)
    /// and cancellation bound it instead.
    /// </remarks>
    [ResponseTimeout("01:00:00")]
    Task<SegmentOutcome[]> DenoiseAsync(DenoiseSegment[] segments, string owner, long priority, CancellationToken cancellationToken = default);

    Task<DenoiserStats> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>The model it serves: shapes and conditioning, what a job checks its request against.</summary>
    Task<ModelSummary> DescribeAsync(CancellationToken cancellationToken = default);

    /// <summary>What it has queued and its recent rate, for routing.</summary>
    Task<DenoiserLoad> GetLoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Measures rows/s against batch size on its device now and caps batches at the knee; returns the new cap.</summary>
    [ResponseTimeout("00:05:00")]
    Task<int> CalibrateAsync(CancellationToken cancellationToken = default);
}
