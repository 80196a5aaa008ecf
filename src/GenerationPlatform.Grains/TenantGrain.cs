using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>
/// Admission against a tenant's quotas (from configuration) and usage accounting (key: tenant id),
/// by a <see cref="TenantLedger"/> over the persisted state. A write that fails makes the activation
/// go away, so the next call starts again from what was persisted (never from a change that was not).
/// When the tenant is at its concurrency limit, reservations older than <c>ReconcileAfter</c> are
/// checked against their jobs, so a reservation that no running job holds cannot block it for good.
/// </summary>
public sealed class TenantGrain(
    [PersistentState("tenant", GrainStorage.Name)] IPersistentState<TenantState> usage,
    IOptionsMonitor<TenantQuotaOptions> quotas,
    TimeProvider time,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    private static readonly TimeSpan ReconcileCallTimeout = TimeSpan.FromSeconds(5);

    private string TenantId => this.GetPrimaryKeyString();
    private TenantQuota Quota => quotas.CurrentValue.For(TenantId);
    private TenantLedger Ledger => new(usage.State, time);

    public async Task<JobAdmission> AdmitAsync(string jobId, JobCost planned, CancellationToken cancellationToken)
    {
        var quota = Quota;
        bool reconciled = false;
        if (!usage.State.Active.ContainsKey(jobId) && usage.State.Active.Count >= quota.MaxConcurrentJobs) reconciled = await ReconcileAsync();
        bool known = usage.State.Active.ContainsKey(jobId);
        var verdict = Ledger.Admit(jobId, planned, quota);
        if (!verdict.Admitted) Rejected(jobId, verdict);
        // A refusal writes nothing (a tenant resubmitting refused jobs costs no storage); a reconciliation that freed a slot is written.
        if ((verdict.Admitted && !known) || reconciled) await WriteAsync();
        return verdict;
    }

    public async Task<JobAdmission> CheckAsync(JobCost planned, CancellationToken cancellationToken)
    {
        var quota = Quota;
        if (usage.State.Active.Count >= quota.MaxConcurrentJobs && await ReconcileAsync()) await WriteAsync();
        var verdict = Ledger.Check(planned, quota);
        if (!verdict.Admitted) Rejected(jobId: null, verdict);
        return verdict;
    }

    private void Rejected(string? jobId, JobAdmission verdict)
    {
        if (jobId is null) usage.State.JobsRejected++; // counted like an admission's refusal: the job is refused before it is resolved
        PlatformMetrics.QuotaRejections.Add(1, new KeyValuePair<string, object?>("tenant", TenantId),
            new KeyValuePair<string, object?>("quota", PlatformMetrics.Tag(verdict.Rejection)));
        GrainLog.JobRejected(logger, TenantId, jobId ?? "(checked before resolution)", verdict.Rejection);
    }

    public Task SettleAsync(string jobId, JobCost spent, CancellationToken cancellationToken) => EndAsync(jobId, spent, settled: true);

    public Task ReleaseAsync(string jobId, JobCost spent, CancellationToken cancellationToken) => EndAsync(jobId, spent, settled: false);

    public Task<TenantUsage> GetUsageAsync(CancellationToken cancellationToken) => Task.FromResult(Ledger.Usage(TenantId, Quota));

    private async Task EndAsync(string jobId, JobCost spent, bool settled)
    {
        if (Ledger.End(jobId, spent, settled)) await WriteAsync(); // else: already ended
    }

    /// <summary>Persists the ledger; on failure the activation goes away so that nothing unpersisted is believed.</summary>
    private async Task WriteAsync()
    {
        try { await usage.WriteStateAsync(CancellationToken.None); }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Frees reservations that no running job holds any more: a job that ended without settling (its
    /// settlement failed and its reminder has not retried yet) or that never started (its state write
    /// failed after admission). Only reservations older than <c>ReconcileAfter</c> are checked, so a
    /// job between its admission and its first state write is never mistaken for a leak.
    /// </summary>
    /// <returns>Whether it freed any.</returns>
    private async Task<bool> ReconcileAsync()
    {
        var suspects = Ledger.ReservationsOlderThan(quotas.CurrentValue.ReconcileAfter);
        if (suspects.Length == 0) return false;
        bool freed = false;
        var answers = await Task.WhenAll(suspects.Select(async id =>
        {
            try { return (Id: id, Status: (JobSnapshot?)await GrainFactory.GetGrain<ISearchGrain>(id).GetStatusAsync().WaitAsync(ReconcileCallTimeout)); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                GrainLog.ReconcileFailed(logger, e, TenantId, id);
                return (Id: id, Status: (JobSnapshot?)null); // unknown: keep the reservation
            }
        }));
        foreach (var (id, status) in answers)
        {
            if (status is null || status.Status == JobStatus.Running) continue;
            if (!Ledger.End(id, new JobCost(status.SpentNfe, status.SpentVerifierNfe), settled: status.Status == JobStatus.Completed)) continue;
            GrainLog.ReservationReconciled(logger, TenantId, id, status.Status);
            freed = true;
        }
        return freed;
    }
}
