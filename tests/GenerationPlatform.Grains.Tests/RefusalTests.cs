using GenerationPlatform.Testing;
using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains.Tests;

/// <summary>
/// A refused job costs no storage: neither its own state nor its tenant's is written (the tables counted by
/// <see cref="SharedGrainStorage"/>), whichever quota refused it and however often it is asked again.
/// </summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class RefusalTests(TwoSiloClusterFixture fixture)
{
    private static JobSpec Request(string tenant, string model, long budget) =>
        TestJobs.Spec(tenant, model, "random", "mean-target", 2, 1f, 3, budget, TopK: 2, Sampler: Sampler.Heun, Steps: 10);

    [Fact]
    public async Task RefusedJobsWriteNothing()
    {
        // "small-refusal" may ask for at most 100 NFE a job: refused by the quota check before the job is resolved.
        var tenant = fixture.Client.GetGrain<ITenantGrain>("small-refusal");
        for (int i = 0; i < 5; i++)
        {
            var job = fixture.Client.GetGrain<ISearchGrain>($"refused-{Guid.NewGuid():N}");
            var admission = await job.StartAsync(Request("small-refusal", "gauss-refusal", 380));
            Assert.Equal(QuotaRejection.BudgetPerRequest, admission.Rejection);
            Assert.Equal(0, SharedGrainStorage.Writes("job", job.GetGrainId()));
            Assert.Null(fixture.PersistedJob(job));
        }
        Assert.Equal(0, SharedGrainStorage.Writes("tenant", tenant.GetGrainId()));
        Assert.Equal(5, (await tenant.GetUsageAsync()).JobsRejected);

        // "solo" runs one job at a time: the second is refused while the first runs; only the first's admission is written.
        var solo = fixture.Client.GetGrain<ITenantGrain>("solo-refusal");
        var first = fixture.Client.GetGrain<ISearchGrain>($"solo-{Guid.NewGuid():N}");
        var admitted = await first.StartAsync(Request("solo-refusal", "slow-refusal", 19 * 4000));
        Assert.True(admitted.Admitted, admitted.Message);
        int written = SharedGrainStorage.Writes("tenant", solo.GetGrainId());
        Assert.Equal(1, written);
        for (int i = 0; i < 3; i++)
        {
            var second = await fixture.Client.GetGrain<ISearchGrain>($"solo-{Guid.NewGuid():N}").StartAsync(Request("solo-refusal", "slow-refusal", 380));
            Assert.Equal(QuotaRejection.ConcurrentJobs, second.Rejection);
        }
        Assert.Equal(written, SharedGrainStorage.Writes("tenant", solo.GetGrainId()));
        Assert.True(await first.CancelAsync());
        await fixture.WaitAsync(first);
    }
}
