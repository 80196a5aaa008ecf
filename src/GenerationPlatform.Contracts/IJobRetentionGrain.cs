namespace GenerationPlatform.Contracts;

/// <summary>
/// The retention sweep (key 0, one per cluster): while <c>GenerationPlatform:Results:RetentionDays</c> is set, a reminder
/// removes the jobs that ended longer ago than that, a bounded batch a tick, charged to no tenant.
/// </summary>
public interface IJobRetentionGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the sweep's reminder when retention is on, removes it when off; every silo calls it at start.</summary>
    Task ScheduleAsync(CancellationToken cancellationToken = default);

    /// <summary>One tick: deletes at most a batch of the jobs past retention, the oldest first; how many it deleted.</summary>
    Task<int> SweepAsync(CancellationToken cancellationToken = default);
}
