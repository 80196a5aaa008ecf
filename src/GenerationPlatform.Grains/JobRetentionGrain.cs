using GenerationPlatform.Contracts;
using GenerationPlatform.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>
/// The retention sweep (<see cref="IJobRetentionGrain"/>): every <see cref="Period"/> a reminder reads at most
/// <see cref="BatchPerTick"/> of the jobs that ended more than <c>GenerationPlatform:Results:RetentionDays</c> ago from the
/// job index (one range query, oldest first) and deletes each through its own grain, a few at a time: its result, index
/// rows and state. Nothing is charged to any tenant; a job that cannot be deleted now is found again next tick.
/// </summary>
public sealed class JobRetentionGrain(
    IJobIndex index,
    JobCompletion completion,
    IOptions<ResultStoreOptions> results,
    [FromKeyedServices(JobRetentionGrain.Clock)] TimeProvider time,
    ILogger<JobRetentionGrain> logger) : Grain, IJobRetentionGrain, IRemindable
{
    public const string Reminder = "retention";

    /// <summary>The key of the sweep's clock: the platform's <see cref="TimeProvider"/>, unless a test turns it forward on its own.</summary>
    public const string Clock = "retention";

    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(10);

    /// <summary>The most jobs one tick deletes: 28,800 a day at most, the sweep's whole cost bounded whatever the backlog.</summary>
    public const int BatchPerTick = 200;

    /// <summary>Deletions in flight at once.</summary>
    private const int InFlight = 8;

    public async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (results.Value.RetentionDays > 0) await this.RegisterOrUpdateReminder(Reminder, Period, Period);
            else if (await this.GetReminder(Reminder) is { } reminder) await this.UnregisterReminder(reminder);
        }
        catch (Exception e) { JobRecordsLog.ScheduleFailed(logger, e); } // every silo's start tries again
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Reminder) return;
        if (results.Value.RetentionDays > 0) await SweepAsync(CancellationToken.None);
        else await ScheduleAsync(CancellationToken.None); // retention was turned off: the reminder goes
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        int days = results.Value.RetentionDays;
        if (days <= 0) return 0;
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(days);
        IReadOnlyList<JobIndexEntry> expired;
        try { expired = await index.EndedBeforeAsync(cutoff, BatchPerTick, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobRecordsLog.SweepFailed(logger, e, cutoff);
            return 0;
        }
        int deleted = 0;
        foreach (var batch in expired.Chunk(InFlight))
            deleted += (await Task.WhenAll(batch.Select(job => DeleteAsync(job, cancellationToken)))).Count(d => d);
        if (expired.Count > 0) JobRecordsLog.Swept(logger, deleted, expired.Count, cutoff);
        return deleted;
    }

    private async Task<bool> DeleteAsync(JobIndexEntry job, CancellationToken cancellationToken)
    {
        try
        {
            return await GrainFactory.GetGrain<ISearchGrain>(job.JobId).DeleteAsync(job.TenantId, cancellationToken) switch
            {
                JobDeletion.Deleted => true,
                // No state left (a deletion cut short after it): the rows and files are all there is.
                JobDeletion.Absent => await completion.ForgetAsync(job.JobId, job.TenantId, job, cancellationToken),
                _ => false,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobRecordsLog.DeleteFailed(logger, e, job.JobId);
            return false;
        }
    }
}
