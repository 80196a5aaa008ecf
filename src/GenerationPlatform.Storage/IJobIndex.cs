namespace GenerationPlatform.Storage;

/// <summary>
/// Every tenant's jobs, for listing them newest first and for finding the ended ones that retention removes: a row per job
/// in its tenant's partition, ordered by <see cref="JobIndexKeys.Position"/>, and a row per ended job in one order by end
/// time. Azure Table storage in a cluster (<see cref="TableJobIndex"/>), memory in the embedded default
/// (<see cref="MemoryJobIndex"/>). Each call is one bounded read or a few writes, whatever the tenant has run.
/// </summary>
public interface IJobIndex
{
    /// <summary>Writes the job's row (replacing the one written before); an ended job's row in the end-time order too.</summary>
    Task RecordAsync(JobIndexEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's jobs after <paramref name="after"/> (null: from the newest), of <paramref name="state"/> when given: at most
    /// <paramref name="pageSize"/>, out of at most <paramref name="scanLimit"/> rows read, so a page of a rare state may come
    /// back short (even empty) with a <see cref="JobIndexPage.Next"/> to go on from.
    /// </summary>
    Task<JobIndexPage> ListAsync(string tenantId, string? after, JobIndexState? state, int pageSize, int scanLimit,
        CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="max"/> jobs that ended before <paramref name="cutoff"/>, the oldest end first.</summary>
    Task<IReadOnlyList<JobIndexEntry>> EndedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default);

    /// <summary>Removes the job's rows; nothing to remove is no error.</summary>
    Task DeleteAsync(JobIndexEntry entry, CancellationToken cancellationToken = default);
}
