using GenerationPlatform.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace GenerationPlatform.Grains.Tests;

/// <summary>Quota bookkeeping on a fake clock: the minute window, the UTC day and what an ended job leaves behind.</summary>
public sealed class TenantLedgerTests
{
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
        Assert.True(ledger.Admit("a", 600, Quota).Admitted);
        Assert.True(ledger.End("a", 600, settled: true));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(QuotaRejection.NfePerMinute, ledger.Admit("b", 600, Quota).Rejection); // 600 + 600 in one minute
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(QuotaRejection.NfePerMinute, ledger.Admit("b", 600, Quota).Rejection); // 59 s: still inside
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(ledger.Admit("b", 600, Quota).Admitted); // a minute after the charge, it has left the window
    }

    [Fact]
    public void TheDayRollsOverAtUtcMidnightWhateverTheLocalOffset()
    {
        // 23:57 UTC on the 29th, given as 01:57 on the 30th at +02:00: the ledger counts UTC days.
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 30, 1, 57, 0, TimeSpan.FromHours(2)));
        foreach (var id in new[] { "a", "b" })
        {
            Assert.True(ledger.Admit(id, 1_000, Quota).Admitted);
            Assert.True(ledger.End(id, 1_000, settled: true));
            clock.Advance(TimeSpan.FromSeconds(61)); // out of the minute window, still on the 29th
        }
        // 2 000 of 2 500 used today; 1 000 more would exceed the day.
        Assert.Equal(QuotaRejection.NfePerDay, ledger.Admit("c", 1_000, Quota).Rejection);
        Assert.Equal(2_000, ledger.Usage("t", Quota).NfeToday);
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 0, 0, 1, TimeSpan.Zero));
        Assert.Equal(0, ledger.Usage("t", Quota).NfeToday);
        Assert.True(ledger.Admit("c", 1_000, Quota).Admitted);
    }

    [Fact]
    public void AJobAdmittedYesterdayThatEndsTodayDoesNotRefundTodaysCount()
    {
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 29, 23, 59, 50, TimeSpan.Zero));
        Assert.True(ledger.Admit("late", 400, Quota).Admitted);
        clock.Advance(TimeSpan.FromSeconds(20)); // past midnight
        Assert.True(ledger.Admit("early", 400, Quota).Admitted);
        Assert.Equal(400, ledger.Usage("t", Quota).NfeToday);
        Assert.True(ledger.End("late", 100, settled: true)); // yesterday's reservation: today's count stays
        Assert.Equal(400, ledger.Usage("t", Quota).NfeToday);
        Assert.True(ledger.End("early", 100, settled: true)); // today's: the unspent 300 come back
        Assert.Equal(100, ledger.Usage("t", Quota).NfeToday);
    }

    [Fact]
    public void EndingTwiceOrEndingAnUnknownJobChangesNothing()
    {
        var (ledger, _) = New(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        Assert.True(ledger.Admit("a", 500, Quota).Admitted);
        Assert.True(ledger.Admit("a", 500, Quota).Admitted); // a retried admission reserves nothing more
        Assert.Equal(500, ledger.Usage("t", Quota).ReservedNfe);
        Assert.True(ledger.End("a", 200, settled: false));
        Assert.False(ledger.End("a", 200, settled: false));
        Assert.False(ledger.End("never", 200, settled: true));
        var usage = ledger.Usage("t", Quota);
        Assert.Equal((0, 0L, 200L, 1L, 1L), (usage.ActiveJobs, usage.ReservedNfe, usage.NfeToday, usage.JobsAdmitted, usage.JobsReleased));
    }

    [Fact]
    public void ReconciliationOnlyConsidersReservationsOlderThanTheThreshold()
    {
        var (ledger, clock) = New(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        Assert.True(ledger.Admit("old", 100, Quota).Admitted);
        clock.Advance(TimeSpan.FromSeconds(45));
        Assert.True(ledger.Admit("new", 100, Quota).Admitted);
        Assert.Empty(ledger.ReservationsOlderThan(TimeSpan.FromMinutes(1)));
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(["old"], ledger.ReservationsOlderThan(TimeSpan.FromMinutes(1)));
    }
}
