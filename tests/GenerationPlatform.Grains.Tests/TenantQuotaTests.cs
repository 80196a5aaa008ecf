using GenerationPlatform.Testing;
using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TenantQuotaTests(ClusterFixture fixture)
{
    private static JobCost Nfe(long nfe) => new(nfe, 0);

    private static JobSpec Request(string tenant, string model, long budget) =>
        TestJobs.Spec(tenant, model, "random", "mean-target", 2, 1f, 3, budget, TopK: 2, Sampler: Sampler.Heun, Steps: 10);

    private ISearchGrain Job() => fixture.Client.GetGrain<ISearchGrain>($"quota-{Guid.NewGuid():N}");

    [Fact]
    public async Task ConcurrentJobsBeyondTheQuotaAreRejectedUntilASlotFrees()
    {
        var first = Job();
        Assert.True((await first.StartAsync(Request("solo", "slow-quota", 19 * 2000))).Admitted);

        var second = await Job().StartAsync(Request("solo", "slow-quota", 19 * 2000));
        Assert.False(second.Admitted);
        Assert.Equal(QuotaRejection.ConcurrentJobs, second.Rejection);

        Assert.True(await first.CancelAsync());
        await fixture.WaitAsync(first);
        var third = Job();
        Assert.True((await third.StartAsync(Request("solo", "gauss-quota", 380))).Admitted);
        Assert.Equal(JobStatus.Completed, (await fixture.WaitAsync(third)).Status);

        var usage = await fixture.Client.GetGrain<ITenantGrain>("solo").GetUsageAsync();
        Assert.Equal((0, 2L, 1L, 1L, 1L), (usage.ActiveJobs, usage.JobsAdmitted, usage.JobsRejected, usage.JobsSettled, usage.JobsReleased));
    }

    [Fact]
    public async Task NfePerMinuteCountsReservationsAndSettledSpending()
    {
        var first = Job();
        Assert.True((await first.StartAsync(Request("minute", "gauss-quota", 380))).Admitted);
        await fixture.WaitAsync(first);

        var second = await Job().StartAsync(Request("minute", "gauss-quota", 380));
        Assert.False(second.Admitted);
        Assert.Equal(QuotaRejection.NfePerMinute, second.Rejection);
        var usage = await fixture.Client.GetGrain<ITenantGrain>("minute").GetUsageAsync();
        Assert.Equal(380, usage.NfeLastMinute);
        Assert.Equal(380, usage.SettledNfeTotal);
        Assert.True((await Job().StartAsync(Request("minute", "gauss-quota", 19 * 6))).Admitted, "what is left of the minute can still be used");
    }

    [Fact]
    public async Task ABudgetOverThePerRequestMaximumIsRejected()
    {
        var admission = await Job().StartAsync(Request("small", "gauss-quota", 380));
        Assert.False(admission.Admitted);
        Assert.Equal(QuotaRejection.BudgetPerRequest, admission.Rejection);
        Assert.Equal(0, (await fixture.Client.GetGrain<ITenantGrain>("small").GetUsageAsync()).ActiveJobs);
    }

    [Fact]
    public async Task SettlingReplacesTheReservationWithWhatWasSpent()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>("ledger");
        Assert.True((await tenant.AdmitAsync("j1", Nfe(1000))).Admitted);
        Assert.True((await tenant.AdmitAsync("j1", Nfe(1000))).Admitted); // a retried admission reserves once
        Assert.True((await tenant.AdmitAsync("j2", Nfe(500))).Admitted);
        var during = await tenant.GetUsageAsync();
        Assert.Equal((2, 1500L, 1500L), (during.ActiveJobs, during.ReservedNfe, during.NfeToday));

        await tenant.SettleAsync("j1", Nfe(600));
        await tenant.ReleaseAsync("j2", Nfe(100));
        await tenant.ReleaseAsync("j2", Nfe(100)); // ending twice changes nothing
        var after = await tenant.GetUsageAsync();
        Assert.Equal((0, 0L, 700L, 700L, 700L), (after.ActiveJobs, after.ReservedNfe, after.NfeToday, after.NfeLastMinute, after.SettledNfeTotal));
    }
}
