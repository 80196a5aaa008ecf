namespace GenerationPlatform.Storage;

/// <summary>The job index in memory, for the embedded default, whose jobs live in memory too and go with the process.</summary>
public sealed class MemoryJobIndex : IJobIndex
{
    private readonly Dictionary<string, SortedDictionary<string, JobIndexEntry>> byTenant = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, JobIndexEntry> ended = new(StringComparer.Ordinal);

    public Task RecordAsync(JobIndexEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (byTenant)
        {
            if (!byTenant.TryGetValue(entry.TenantId, out var jobs)) byTenant[entry.TenantId] = jobs = new(StringComparer.Ordinal);
            jobs[entry.Position] = entry;
            if (entry.FinishedAt is { } finished) ended[JobIndexKeys.Ended(finished, entry.JobId)] = entry;
        }
        return Task.CompletedTask;
    }

    public Task<JobIndexPage> ListAsync(string tenantId, string? after, JobIndexState? state, int pageSize, int scanLimit,
        CancellationToken cancellationToken = default)
    {
        int read = JobIndexPaging.RowsToRead(state, pageSize, scanLimit);
        List<JobIndexEntry> rows;
        lock (byTenant)
        {
            rows = byTenant.TryGetValue(tenantId, out var jobs)
                ? jobs.Where(j => after is null || string.CompareOrdinal(j.Key, after) > 0).Take(read).Select(j => j.Value).ToList()
                : [];
        }
        return Task.FromResult(JobIndexPaging.Cut(rows, state, pageSize, read));
    }

    public Task<IReadOnlyList<JobIndexEntry>> EndedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default)
    {
        var before = JobIndexKeys.EndedBefore(cutoff);
        lock (byTenant)
            return Task.FromResult<IReadOnlyList<JobIndexEntry>>(ended.TakeWhile(e => string.CompareOrdinal(e.Key, before) < 0).Take(max).Select(e => e.Value).ToList());
    }

    public Task DeleteAsync(JobIndexEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (byTenant)
        {
            if (byTenant.TryGetValue(entry.TenantId, out var jobs) && jobs.Remove(entry.Position) && jobs.Count == 0) byTenant.Remove(entry.TenantId);
            if (entry.FinishedAt is { } finished) ended.Remove(JobIndexKeys.Ended(finished, entry.JobId));
        }
        return Task.CompletedTask;
    }
}
