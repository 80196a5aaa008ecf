using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

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

    /// <summary>
    /// Admits the job (reserving its budget) or says which quota it would break. A job already admitted is admitted again.
    /// A refusal changes nothing that is persisted: it is counted in <see cref="TenantState.JobsRejected"/>, which the
    /// next write carries.
    /// </summary>
    public JobAdmission Admit(string jobId, long budgetNfe, TenantQuota quota)
    {
        if (state.Active.ContainsKey(jobId)) return JobAdmission.Accept; // a retried admission of the same job
        var verdict = Check(budgetNfe, quota);
        if (!verdict.Admitted)
        {
            state.JobsRejected++;
            return verdict;
        }
        var now = time.GetUtcNow();
        state.Active[jobId] = new NfeReservation(budgetNfe, now, state.Day);
        state.RecentCharges.Add(new NfeCharge(now, jobId, budgetNfe));
        state.NfeToday += budgetNfe;
        state.JobsAdmitted++;
        return verdict;
    }

    /// <summary>Whether a new job of this budget would be admitted now, and if not which quota it would break; reserves nothing.</summary>
    public JobAdmission Check(long budgetNfe, TenantQuota quota)
    {
        Roll(time.GetUtcNow());
        long minute = state.RecentCharges.Sum(c => c.Nfe);
        return
            budgetNfe > quota.MaxBudgetPerRequest
                ? JobAdmission.Reject(QuotaRejection.BudgetPerRequest, $"a budget of {budgetNfe} NFE exceeds the per-request maximum of {quota.MaxBudgetPerRequest}")
            : state.Active.Count >= quota.MaxConcurrentJobs
                ? JobAdmission.Reject(QuotaRejection.ConcurrentJobs, $"{state.Active.Count} jobs are running, the maximum is {quota.MaxConcurrentJobs}")
            : minute + budgetNfe > quota.NfePerMinute
                ? JobAdmission.Reject(QuotaRejection.NfePerMinute, $"{minute} NFE used in the last minute; {budgetNfe} more would exceed {quota.NfePerMinute}")
            : state.NfeToday + budgetNfe > quota.NfePerDay
                ? JobAdmission.Reject(QuotaRejection.NfePerDay, $"{state.NfeToday} NFE used today; {budgetNfe} more would exceed {quota.NfePerDay}")
            : JobAdmission.Accept;
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
