using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>NFE charged to a tenant at one time, for the per-minute window.</summary>
[GenerateSerializer]
public sealed record NfeCharge([property: Id(0)] DateTimeOffset At, [property: Id(1)] string JobId, [property: Id(2)] long Nfe);

/// <summary>A running job's reservation: its whole budget, charged when it was admitted.</summary>
[GenerateSerializer]
public sealed record NfeReservation([property: Id(0)] long Nfe, [property: Id(1)] DateTimeOffset At, [property: Id(2)] DateOnly Day);

/// <summary>A tenant's usage: running jobs, recent charges, today's total and lifetime counters.</summary>
[GenerateSerializer]
public sealed record TenantState
{
    [Id(0)] public Dictionary<string, NfeReservation> Active { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public List<NfeCharge> RecentCharges { get; set; } = [];
    [Id(2)] public DateOnly Day { get; set; }
    [Id(3)] public long NfeToday { get; set; }
    [Id(4)] public long SettledNfeTotal { get; set; }
    [Id(5)] public long JobsAdmitted { get; set; }
    [Id(6)] public long JobsRejected { get; set; }
    [Id(7)] public long JobsSettled { get; set; }
    [Id(8)] public long JobsReleased { get; set; }
}

/// <summary>
/// A tenant's quota bookkeeping over its <see cref="TenantState"/>, apart from the grain so it can be
/// tested on a fake clock: admission reserves a job's whole budget (so concurrent admissions cannot
/// overrun a quota), the end of a job replaces the reservation by what it spent, the minute window
/// slides and the day is the UTC calendar day.
/// </summary>
public sealed class TenantLedger(TenantState state, TimeProvider time)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public TenantState State => state;

    /// <summary>Admits the job (reserving its budget) or says which quota it would break. A job already admitted is admitted again.</summary>
    public JobAdmission Admit(string jobId, long budgetNfe, TenantQuota quota)
    {
        if (state.Active.ContainsKey(jobId)) return JobAdmission.Accept; // a retried admission of the same job
        var now = time.GetUtcNow();
        Roll(now);
        long minute = state.RecentCharges.Sum(c => c.Nfe);
        var verdict =
            budgetNfe > quota.MaxBudgetPerRequest ? JobAdmission.Reject(QuotaRejection.BudgetPerRequest, $"a budget of {budgetNfe} NFE exceeds the per-request maximum of {quota.MaxBudgetPerRequest}")
            : state.Active.Count >= quota.MaxConcurrentJobs ? JobAdmission.Reject(QuotaRejection.ConcurrentJobs, $"{state.Active.Count} jobs are running, the maximum is {quota.MaxConcurrentJobs}")
            : minute + budgetNfe > quota.NfePerMinute ? JobAdmission.Reject(QuotaRejection.NfePerMinute, $"{minute} NFE used in the last minute; {budgetNfe} more would exceed {quota.NfePerMinute}")
            : state.NfeToday + budgetNfe > quota.NfePerDay ? JobAdmission.Reject(QuotaRejection.NfePerDay, $"{state.NfeToday} NFE used today; {budgetNfe} more would exceed {quota.NfePerDay}")
            : JobAdmission.Accept;
        if (verdict.Admitted)
        {
            state.Active[jobId] = new NfeReservation(budgetNfe, now, state.Day);
            state.RecentCharges.Add(new NfeCharge(now, jobId, budgetNfe));
            state.NfeToday += budgetNfe;
            state.JobsAdmitted++;
        }
        else state.JobsRejected++;
        return verdict;
    }

    /// <summary>Replaces a job's reservation by what it spent, in whichever windows it still counts; false when it had none.</summary>
    public bool End(string jobId, long spentNfe, bool settled)
    {
        if (!state.Active.Remove(jobId, out var reservation)) return false;
        Roll(time.GetUtcNow());
        long spent = Math.Clamp(spentNfe, 0, reservation.Nfe);
        int i = state.RecentCharges.FindIndex(c => c.JobId == jobId);
        if (i >= 0) state.RecentCharges[i] = state.RecentCharges[i] with { Nfe = spent };
        if (reservation.Day == state.Day) state.NfeToday -= reservation.Nfe - spent;
        state.SettledNfeTotal += spent;
        if (settled) state.JobsSettled++; else state.JobsReleased++;
        return true;
    }

    /// <summary>Reservations at least <paramref name="age"/> old: the ones reconciliation may ask about.</summary>
    public string[] ReservationsOlderThan(TimeSpan age)
    {
        var now = time.GetUtcNow();
        return state.Active.Where(a => now - a.Value.At >= age).Select(a => a.Key).ToArray();
    }

    public TenantUsage Usage(string tenantId, TenantQuota quota)
    {
        Roll(time.GetUtcNow());
        return new TenantUsage(tenantId, state.Active.Count, state.Active.Values.Sum(r => r.Nfe), state.RecentCharges.Sum(c => c.Nfe),
            state.NfeToday, state.SettledNfeTotal, state.JobsAdmitted, state.JobsRejected, state.JobsSettled, state.JobsReleased, quota);
    }

    /// <summary>Drops charges older than a minute and starts a new day at UTC midnight.</summary>
    private void Roll(DateTimeOffset now)
    {
        state.RecentCharges.RemoveAll(c => now - c.At >= Minute);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (state.Day != today)
        {
            state.Day = today;
            state.NfeToday = 0;
        }
    }
}

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

    public async Task<JobAdmission> AdmitAsync(string jobId, long budgetNfe, CancellationToken cancellationToken)
    {
        var quota = Quota;
        if (!usage.State.Active.ContainsKey(jobId) && usage.State.Active.Count >= quota.MaxConcurrentJobs) await ReconcileAsync();
        var verdict = Ledger.Admit(jobId, budgetNfe, quota);
        if (!verdict.Admitted)
        {
            PlatformMetrics.QuotaRejections.Add(1, new KeyValuePair<string, object?>("tenant", TenantId),
                new KeyValuePair<string, object?>("quota", PlatformMetrics.Tag(verdict.Rejection)));
            GrainLog.JobRejected(logger, TenantId, jobId, verdict.Rejection);
        }
        await WriteAsync();
        return verdict;
    }

    public Task SettleAsync(string jobId, long spentNfe, CancellationToken cancellationToken) => EndAsync(jobId, spentNfe, settled: true);

    public Task ReleaseAsync(string jobId, long spentNfe, CancellationToken cancellationToken) => EndAsync(jobId, spentNfe, settled: false);

    public Task<TenantUsage> GetUsageAsync(CancellationToken cancellationToken) => Task.FromResult(Ledger.Usage(TenantId, Quota));

    private async Task EndAsync(string jobId, long spentNfe, bool settled)
    {
        if (Ledger.End(jobId, spentNfe, settled)) await WriteAsync(); // else: already ended
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
    private async Task ReconcileAsync()
    {
        var suspects = Ledger.ReservationsOlderThan(quotas.CurrentValue.ReconcileAfter);
        if (suspects.Length == 0) return;
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
            if (Ledger.End(id, status.SpentNfe, settled: status.Status == JobStatus.Completed))
                GrainLog.ReservationReconciled(logger, TenantId, id, status.Status);
        }
    }
}
