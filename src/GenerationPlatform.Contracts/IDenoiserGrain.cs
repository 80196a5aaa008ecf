namespace GenerationPlatform.Contracts;

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
