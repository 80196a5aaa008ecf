using GenerationPlatform.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace GenerationPlatform.Grains.Tests;

/// <summary>Quota bookkeeping on a fake clock: the minute window, the UTC day and what an ended job leaves behind.</summary>
public sealed class TenantLedgerTests
{
    private static JobCost Nfe(long nfe) => new(nfe, 0);

    private static readonly TenantQuota Quota = new() { MaxConcurrentJobs = 2, NfePerMinute = 1_000, NfePerDay = 2_500, MaxBudgetPerRequest = 1_000 };

    private static (TenantLedger Ledger, FakeTimeProvider Clock) New(DateTimeOffset start)
    {
        var clock = new FakeTimeProvider(start);
        return (new TenantLedger(new TenantState(), clock), clock);
    }

    [Fact]
    public void TheMinuteWindowSlidesWithTheClock()
    {
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        Assert.True(ledger.Admit("a", Nfe(600), Quota).Admitted);
        Assert.True(ledger.End("a", Nfe(600), settled: true));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(QuotaRejection.NfePerMinute, ledger.Admit("b", Nfe(600), Quota).Rejection); // 600 + 600 in one minute
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(QuotaRejection.NfePerMinute, ledger.Admit("b", Nfe(600), Quota).Rejection); // 59 s: still inside
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(ledger.Admit("b", Nfe(600), Quota).Admitted); // a minute after the charge, it has left the window
    }

    [Fact]
    public void TheDayRollsOverAtUtcMidnightWhateverTheLocalOffset()
    {
        // 23:57 UTC on the 29th, given as 01:57 on the 30th at +02:00: the ledger counts UTC days.
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 30, 1, 57, 0, TimeSpan.FromHours(2)));
        foreach (var id in new[] { "a", "b" })
        {
            Assert.True(ledger.Admit(id, Nfe(1_000), Quota).Admitted);
            Assert.True(ledger.End(id, Nfe(1_000), settled: true));
            clock.Advance(TimeSpan.FromSeconds(61)); // out of the minute window, still on the 29th
        }
        // 2 000 of 2 500 used today; 1 000 more would exceed the day.
        Assert.Equal(QuotaRejection.NfePerDay, ledger.Admit("c", Nfe(1_000), Quota).Rejection);
        Assert.Equal(2_000, ledger.Usage("t", Quota).NfeToday);
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 0, 0, 1, TimeSpan.Zero));
        Assert.Equal(0, ledger.Usage("t", Quota).NfeToday);
        Assert.True(ledger.Admit("c", Nfe(1_000), Quota).Admitted);
    }

    [Fact]
    public void AJobAdmittedYesterdayThatEndsTodayDoesNotRefundTodaysCount()
    {
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 29, 23, 59, 50, TimeSpan.Zero));
        Assert.True(ledger.Admit("late", Nfe(400), Quota).Admitted);
        clock.Advance(TimeSpan.FromSeconds(20)); // past midnight
        Assert.True(ledger.Admit("early", Nfe(400), Quota).Admitted);
        Assert.Equal(400, ledger.Usage("t", Quota).NfeToday);
        Assert.True(ledger.End("late", Nfe(100), settled: true)); // yesterday's reservation: today's count stays
        Assert.Equal(400, ledger.Usage("t", Quota).NfeToday);
        Assert.True(ledger.End("early", Nfe(100), settled: true)); // today's: the unspent 300 come back
        Assert.Equal(100, ledger.Usage("t", Quota).NfeToday);
    }

    [Fact]
    public void EndingTwiceOrEndingAnUnknownJobChangesNothing()
    {
        var (ledger, _) = New(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        Assert.True(ledger.Admit("a", Nfe(500), Quota).Admitted);
        Assert.True(ledger.Admit("a", Nfe(500), Quota).Admitted); // a retried admission reserves nothing more
        Assert.Equal(500, ledger.Usage("t", Quota).ReservedNfe);
        Assert.True(ledger.End("a", Nfe(200), settled: false));
        Assert.False(ledger.End("a", Nfe(200), settled: false));
        Assert.False(ledger.End("never", Nfe(200), settled: true));
        var usage = ledger.Usage("t", Quota);
        Assert.Equal((0, 0L, 200L, 1L, 1L), (usage.ActiveJobs, usage.ReservedNfe, usage.NfeToday, usage.JobsAdmitted, usage.JobsReleased));
    }

    [Fact]
    public void ReconciliationOnlyConsidersReservationsOlderThanTheThreshold()
    {
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        Assert.True(ledger.Admit("old", Nfe(100), Quota).Admitted);
        clock.Advance(TimeSpan.FromSeconds(45));
        Assert.True(ledger.Admit("new", Nfe(100), Quota).Admitted);
        Assert.Empty(ledger.ReservationsOlderThan(TimeSpan.FromMinutes(1)));
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(["old"], ledger.ReservationsOlderThan(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void VerifierNfeIsReservedAndChargedApartFromNfeAndCountsTowardsTheQuotas()
    {
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        // 600 NFE fit the per-request maximum and the minute; with 500 verifier NFE-equivalents they do not fit the minute.
        var refused = ledger.Admit("dear", new JobCost(600, 500), Quota);
        Assert.Equal(QuotaRejection.NfePerMinute, refused.Rejection);
        Assert.Contains("1100 more (600 NFE and 500 verifier NFE-equivalents) would exceed 1000", refused.Message);
        Assert.True(ledger.Admit("a", new JobCost(600, 300), Quota).Admitted);
        var reserved = ledger.Usage("t", Quota);
        Assert.Equal((600L, 300L, 900L, 900L), (reserved.ReservedNfe, reserved.ReservedVerifierNfe, reserved.ChargedLastMinute, reserved.ChargedToday));

        // It spent less of both, and a verifier overrun is charged no more than it reserved.
        Assert.True(ledger.End("a", new JobCost(400, 350), settled: true));
        var ended = ledger.Usage("t", Quota);
        Assert.Equal((400L, 300L, 700L, 400L, 300L), (ended.NfeToday, ended.VerifierNfeToday, ended.ChargedToday, ended.SettledNfeTotal, ended.SettledVerifierNfeTotal));
        clock.Advance(TimeSpan.FromMinutes(1));
        // The day counts both: 700 charged of 2 500, so 1 900 more is over it even though its NFE alone would fit.
        Assert.Equal(QuotaRejection.NfePerDay, ledger.Admit("b", new JobCost(1_000, 900), Quota with { NfePerMinute = 10_000 }).Rejection);
    }
}
