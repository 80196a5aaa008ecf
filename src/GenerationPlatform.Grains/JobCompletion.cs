using GenerationPlatform.Contracts;
using GenerationPlatform.Storage;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

/// <summary>
/// What a job owes when its search ends: its result in the store (the one source of its images), its tenant's usage
/// settled, and its row in the tenant's job index; and what deleting it takes. Each step says whether it succeeded; the
/// job's grain decides when to try again.
/// </summary>
public sealed class JobCompletion(IGrainFactory grains, ILogger<JobCompletion> logger, IResultStore? store = null, IJobIndex? index = null)
{
    /// <summary>Whether results are stored (a host without a result store keeps them in the job's state only).</summary>
    public bool Stores => store is not null;

    /// <summary>Stores the result's PNGs and result.json; the stored result.json's location, or null when the store failed (after its own retries).</summary>
    internal async Task<string?> StoreAsync(string jobId, SearchJobState state, JobResult result, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        if (store is null) return null;
        var shape = state.ImageShape?.ToShape() ?? new Core.Model.ImageShape(1, 28, 28); // jobs recorded before shapes were: Fashion-MNIST's
        return await ResultWriting.StoreAsync(store, jobId, state.Spec!, result, shape, state.AcceptedAt, finishedAt, logger, cancellationToken);
    }

    /// <summary>Replaces the tenant's reservation by what the job spent; false when that failed (the job's reminder retries).</summary>
    internal async Task<bool> SettleAsync(string jobId, string tenantId, JobStatus status, JobCost spent)
    {
        try
        {
            var tenant = grains.GetGrain<ITenantGrain>(tenantId);
            if (status == JobStatus.Completed) await tenant.SettleAsync(jobId, spent, CancellationToken.None);
            else await tenant.ReleaseAsync(jobId, spent, CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            GrainLog.SettleFailed(logger, e, jobId, tenantId);
            return false;
        }
    }

    /// <summary>Writes the job's row in its tenant's index as the state says it stands; false when that failed (the job's reminder retries an ended one).</summary>
    internal async Task<bool> IndexAsync(string jobId, SearchJobState state)
    {
        if (index is null || state.IndexEntry(jobId) is not { } entry) return true;
        try
        {
            await index.RecordAsync(entry, CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            JobRecordsLog.IndexWriteFailed(logger, e, jobId);
            return false;
        }
    }

    /// <summary>Removes the job's stored result, then its index rows; false when storage failed (what is left stays for a retry).</summary>
    internal async Task<bool> ForgetAsync(string jobId, string tenantId, JobIndexEntry? entry, CancellationToken cancellationToken)
    {
        try
        {
            if (store is not null) await store.DeleteAsync(tenantId, jobId, cancellationToken);
            if (index is not null && entry is not null) await index.DeleteAsync(entry, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobRecordsLog.DeleteFailed(logger, e, jobId);
            return false;
        }
    }

    /// <summary>The job's outcome in the platform's metrics.</summary>
    internal static void Count(JobSpec spec, JobStatus status, DateTimeOffset? acceptedAt, DateTimeOffset finishedAt)
    {
        var outcome = new[] { new KeyValuePair<string, object?>("tenant", spec.TenantId), new("outcome", PlatformMetrics.Tag(status)) };
        PlatformMetrics.Jobs.Add(1, outcome);
        if (acceptedAt is { } accepted)
            PlatformMetrics.JobDuration.Record((finishedAt - accepted).TotalSeconds, [.. outcome, new("algorithm", spec.AlgorithmName)]);
    }
}
