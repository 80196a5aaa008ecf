namespace GenerationPlatform.Contracts;

/// <summary>
/// One search job. Key: the job id. The search runs in the background once started; its progress
/// is an append-only event log that a late watcher replays from any index.
/// </summary>
public interface ISearchGrain : IGrainWithStringKey
{
    /// <summary>Admits the job against the tenant's quotas and starts it; a second start of the same id is rejected.</summary>
    Task<JobAdmission> StartAsync(JobSpec spec, CancellationToken cancellationToken = default);

    /// <remarks>
    /// Interleaves with anything the job is doing (a read of its in-memory state), so a tenant reconciling its usage never
    /// waits on a job that waits on the tenant.
    /// </remarks>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<JobSnapshot> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The result once the job has completed; null before, or when it ended otherwise.</summary>
    Task<JobResult?> GetResultAsync(CancellationToken cancellationToken = default);

    /// <summary>The job as it was validated (null when there is no job under this id).</summary>
    Task<JobSpec?> GetSpecAsync(CancellationToken cancellationToken = default);

    /// <summary>The best candidates so far, with images (the last round's top-k).</summary>
    Task<JobCandidate[]> GetBestAsync(CancellationToken cancellationToken = default);

    /// <summary>Events from <paramref name="fromIndex"/> on (0: the whole log).</summary>
    Task<JobEvent[]> GetEventsAsync(int fromIndex, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events from <paramref name="fromIndex"/> on, as soon as there are any: answers at once when some
    /// exist or the job has ended, else when the next event is added (pushed, not polled), else after
    /// <paramref name="maxWait"/> with none. Interleaves with everything the job does.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<JobEventsPage> WaitForEventsAsync(int fromIndex, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>Requests cancellation; false when the job is not running.</summary>
    Task<bool> CancelAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes an ended job of <paramref name="tenantId"/>: its stored result, its index rows, then its state (so a retry finds
    /// what a failure left). A running job is refused; settling its usage first is the job's own business, not the caller's.
    /// </summary>
    Task<JobDeletion> DeleteAsync(string tenantId, CancellationToken cancellationToken = default);
}
