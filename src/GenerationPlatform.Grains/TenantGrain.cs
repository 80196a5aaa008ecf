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
/// Admission against a tenant's quotas (from configuration) and usage accounting (key: tenant id).
/// A job reserves its whole budget when admitted, so concurrent admissions cannot overrun a quota;
/// at its end the reservation is replaced by what it actually spent. The minute window slides; the
/// day is the UTC calendar day.
/// </summary>
public sealed class TenantGrain(
    [PersistentState("tenant", GrainStorage.Name)] IPersistentState<TenantState> usage,
    IOptionsMonitor<TenantQuotaOptions> quotas,
    TimeProvider time,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private string TenantId => this.GetPrimaryKeyString();
    private TenantQuota Quota => quotas.CurrentValue.For(TenantId);
    private TenantState State => usage.State;

    public async Task<JobAdmission> AdmitAsync(string jobId, long budgetNfe, CancellationToken cancellationToken)
    {
        if (State.Active.ContainsKey(jobId)) return JobAdmission.Accept; // a retried admission of the same job
        var now = time.GetUtcNow();
        Roll(now);
        var quota = Quota;
        long minute = State.RecentCharges.Sum(c => c.Nfe);
        var verdict =
            budgetNfe > quota.MaxBudgetPerRequest ? JobAdmission.Reject(QuotaRejection.BudgetPerRequest, $"a budget of {budgetNfe} NFE exceeds the per-request maximum of {quota.MaxBudgetPerRequest}")
            : State.Active.Count >= quota.MaxConcurrentJobs ? JobAdmission.Reject(QuotaRejection.ConcurrentJobs, $"{State.Active.Count} jobs are running, the maximum is {quota.MaxConcurrentJobs}")
            : minute + budgetNfe > quota.NfePerMinute ? JobAdmission.Reject(QuotaRejection.NfePerMinute, $"{minute} NFE used in the last minute; {budgetNfe} more would exceed {quota.NfePerMinute}")
            : State.NfeToday + budgetNfe > quota.NfePerDay ? JobAdmission.Reject(QuotaRejection.NfePerDay, $"{State.NfeToday} NFE used today; {budgetNfe} more would exceed {quota.NfePerDay}")
            : JobAdmission.Accept;
        if (verdict.Admitted)
        {
            State.Active[jobId] = new NfeReservation(budgetNfe, now, State.Day);
            State.RecentCharges.Add(new NfeCharge(now, jobId, budgetNfe));
            State.NfeToday += budgetNfe;
            State.JobsAdmitted++;
        }
        else
        {
            State.JobsRejected++;
            PlatformMetrics.QuotaRejections.Add(1, new KeyValuePair<string, object?>("tenant", TenantId),
                new KeyValuePair<string, object?>("quota", PlatformMetrics.Tag(verdict.Rejection)));
            GrainLog.JobRejected(logger, TenantId, jobId, verdict.Rejection);
        }
        await usage.WriteStateAsync(cancellationToken);
        return verdict;
    }

    public Task SettleAsync(string jobId, long spentNfe, CancellationToken cancellationToken) => EndAsync(jobId, spentNfe, settled: true, cancellationToken);

    public Task ReleaseAsync(string jobId, long spentNfe, CancellationToken cancellationToken) => EndAsync(jobId, spentNfe, settled: false, cancellationToken);

    public Task<TenantUsage> GetUsageAsync(CancellationToken cancellationToken)
    {
        Roll(time.GetUtcNow());
        return Task.FromResult(new TenantUsage(TenantId, State.Active.Count, State.Active.Values.Sum(r => r.Nfe), State.RecentCharges.Sum(c => c.Nfe),
            State.NfeToday, State.SettledNfeTotal, State.JobsAdmitted, State.JobsRejected, State.JobsSettled, State.JobsReleased, Quota));
    }

    /// <summary>Replaces a job's reservation by what it spent, in whichever windows it still counts.</summary>
    private async Task EndAsync(string jobId, long spentNfe, bool settled, CancellationToken cancellationToken)
    {
        if (!State.Active.Remove(jobId, out var reservation)) return; // already ended
        Roll(time.GetUtcNow());
        long spent = Math.Clamp(spentNfe, 0, reservation.Nfe);
        int i = State.RecentCharges.FindIndex(c => c.JobId == jobId);
        if (i >= 0) State.RecentCharges[i] = State.RecentCharges[i] with { Nfe = spent };
        if (reservation.Day == State.Day) State.NfeToday -= reservation.Nfe - spent;
        State.SettledNfeTotal += spent;
        if (settled) State.JobsSettled++; else State.JobsReleased++;
        await usage.WriteStateAsync(cancellationToken);
    }

    /// <summary>Drops charges older than a minute and starts a new day at UTC midnight.</summary>
    private void Roll(DateTimeOffset now)
    {
        State.RecentCharges.RemoveAll(c => now - c.At >= Minute);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (State.Day != today)
        {
            State.Day = today;
            State.NfeToday = 0;
        }
    }
}
