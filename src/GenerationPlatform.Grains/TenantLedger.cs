using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

/// <summary>
/// A tenant's quota bookkeeping over its <see cref="TenantState"/>, apart from the grain so it can be
/// tested on a fake clock: admission reserves a job's whole cost, its budget and its planned verification (so concurrent
/// admissions cannot overrun a quota), the end of a job replaces the reservation by what it spent, the minute window
/// slides and the day is the UTC calendar day.
/// </summary>
public sealed class TenantLedger(TenantState state, TimeProvider time)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public TenantState State => state;

    /// <summary>
    /// Admits the job (reserving its cost) or says which quota it would break. A job already admitted is admitted again.
    /// A refusal changes nothing that is persisted: it is counted in <see cref="TenantState.JobsRejected"/>, which the
    /// next write carries.
    /// </summary>
    public JobAdmission Admit(string jobId, JobCost planned, TenantQuota quota)
    {
        if (state.Active.ContainsKey(jobId)) return JobAdmission.Accept; // a retried admission of the same job
        var verdict = Check(planned, quota);
        if (!verdict.Admitted)
        {
            state.JobsRejected++;
            return verdict;
        }
        var now = time.GetUtcNow();
        state.Active[jobId] = new NfeReservation(planned.Nfe, now, state.Day, planned.VerifierNfe);
        state.RecentCharges.Add(new NfeCharge(now, jobId, planned.Nfe, planned.VerifierNfe));
        state.NfeToday += planned.Nfe;
        state.VerifierNfeToday += planned.VerifierNfe;
        state.JobsAdmitted++;
        return verdict;
    }

    /// <summary>
    /// Whether a new job of this cost would be admitted now, and if not which quota it would break; reserves nothing. The
    /// per-request maximum is of the budget (denoiser NFE, the paper's budget); the minute and the day count verifier
    /// NFE-equivalents too.
    /// </summary>
    public JobAdmission Check(JobCost planned, TenantQuota quota)
    {
        Roll(time.GetUtcNow());
        long minute = state.RecentCharges.Sum(c => c.Total), today = state.NfeToday + state.VerifierNfeToday;
        string more = planned.VerifierNfe > 0 ? $"{planned.Total} more ({planned.Nfe} NFE and {planned.VerifierNfe} verifier NFE-equivalents)" : $"{planned.Total} more";
        return
            planned.Nfe > quota.MaxBudgetPerRequest
                ? JobAdmission.Reject(QuotaRejection.BudgetPerRequest,
                    $"a budget of {planned.Nfe} NFE exceeds the per-request maximum of {quota.MaxBudgetPerRequest}")
            : state.Active.Count >= quota.MaxConcurrentJobs
                ? JobAdmission.Reject(QuotaRejection.ConcurrentJobs, $"{state.Active.Count} jobs are running, the maximum is {quota.MaxConcurrentJobs}")
            : minute + planned.Total > quota.NfePerMinute
                ? JobAdmission.Reject(QuotaRejection.NfePerMinute, $"{minute} NFE used in the last minute, verifiers included; {more} would exceed {quota.NfePerMinute}")
            : today + planned.Total > quota.NfePerDay
                ? JobAdmission.Reject(QuotaRejection.NfePerDay, $"{today} NFE used today, verifiers included; {more} would exceed {quota.NfePerDay}")
            : JobAdmission.Accept;
    }

    /// <summary>Replaces a job's reservation by what it spent, in whichever windows it still counts; false when it had none.</summary>
    public bool End(string jobId, JobCost spent, bool settled)
    {
        if (!state.Active.Remove(jobId, out var reservation)) return false;
        Roll(time.GetUtcNow());
        var charged = spent.AtMost(reservation.Cost);
        int i = state.RecentCharges.FindIndex(c => c.JobId == jobId);
        if (i >= 0) state.RecentCharges[i] = state.RecentCharges[i] with { Nfe = charged.Nfe, VerifierNfe = charged.VerifierNfe };
        if (reservation.Day == state.Day)
        {
            state.NfeToday -= reservation.Nfe - charged.Nfe;
            state.VerifierNfeToday -= reservation.VerifierNfe - charged.VerifierNfe;
        }
        state.SettledNfeTotal += charged.Nfe;
        state.SettledVerifierNfeTotal += charged.VerifierNfe;
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
            state.NfeToday, state.SettledNfeTotal, state.JobsAdmitted, state.JobsRejected, state.JobsSettled, state.JobsReleased, quota,
            state.Active.Values.Sum(r => r.VerifierNfe), state.RecentCharges.Sum(c => c.VerifierNfe), state.VerifierNfeToday, state.SettledVerifierNfeTotal);
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
            state.VerifierNfeToday = 0;
        }
    }
}
