using GenerationPlatform.Testing;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using Xunit.Abstractions;

namespace GenerationPlatform.Grains.Tests;

/// <summary>One denoiser per (model, silo), calls routed to the least loaded: capacity grows with silos and survives one leaving.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class RoutingTests(TwoSiloClusterFixture fixture, ITestOutputHelper output)
{
    private static JobSpec Request(string model, int i, long budget) =>
        TestJobs.Spec($"router-{i % 2}", model, "random", "mean-target", Label: 2, Guidance: 1f, Seed: (ulong)(300 + i), budget, TopK: 2, Sampler: Sampler.Heun, Steps: 10);

    private async Task<DenoiserStats?> StatsAsync(string model, SiloAddress silo)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var denoiser = fixture.Client.GetGrain<IDenoiserGrain>(SiloBoundKey.Of(model, silo));
        // Only an active denoiser has stats; asking an inactive one would activate it.
        return await management.GetActivationAddress(denoiser) is null ? null : await denoiser.GetStatsAsync();
    }

    [Fact]
    public async Task ConcurrentJobsSpreadTheirSegmentsOverTheDenoisersOfBothSilos()
    {
        const string model = "slow-route-spread";
        var second = await fixture.SecondSiloAsync();
        var jobs = Enumerable.Range(0, 8).Select(i => fixture.Client.GetGrain<ISearchGrain>($"spread-{i}-{Guid.NewGuid():N}")).ToArray();
        var admissions = await Task.WhenAll(jobs.Select((j, i) => j.StartAsync(Request(model, i, budget: 19 * 32))));
        Assert.All(admissions, a => Assert.True(a.Admitted, a.Message));
        foreach (var job in jobs) Assert.Equal(JobStatus.Completed, (await fixture.WaitAsync(job)).Status);

        var primary = await StatsAsync(model, fixture.Primary.SiloAddress);
        var other = await StatsAsync(model, second.SiloAddress);
        output.WriteLine($"primary: {primary?.TrajectorySteps} steps in {primary?.ModelCalls} calls; second: {other?.TrajectorySteps} in {other?.ModelCalls}");
        Assert.True(primary?.TrajectorySteps > 0, "the primary silo's denoiser did no work");
        Assert.True(other?.TrajectorySteps > 0, "the second silo's denoiser did no work");
        // Every charged NFE was computed once, on one of the two.
        Assert.Equal(8L * 19 * 32, primary!.TrajectorySteps + other!.TrajectorySteps);
    }

    [Fact]
    public async Task ADenoiserSiloLeavingMidJobLosesNothingAndChargesNothingTwice()
    {
        const string model = "slow-route-leave";
        var second = await fixture.SecondSiloAsync();
        var requests = Enumerable.Range(0, 6).Select(i => Request(model, i, budget: 19 * 16 * 6)).ToArray();
        var jobs = requests.Select((_, i) => fixture.Client.GetGrain<ISearchGrain>($"leave-{i}-{Guid.NewGuid():N}")).ToArray();
        var admissions = await Task.WhenAll(jobs.Select((j, i) => j.StartAsync(requests[i])));
        Assert.All(admissions, a => Assert.True(a.Admitted, a.Message));

        // Wait until the second silo's denoiser carries work, then stop that silo in the middle of it.
        await Eventually.UntilAsync(async () => (await StatsAsync(model, second.SiloAddress))?.TrajectorySteps is > 0,
            TimeSpan.FromSeconds(20), "work is routed to the second silo");
        await fixture.Cluster.StopSiloAsync(second);

        for (int i = 0; i < jobs.Length; i++)
        {
            var status = await fixture.WaitAsync(jobs[i], TimeSpan.FromSeconds(60));
            Assert.True(status.Status == JobStatus.Completed, status.Message);
            // The undisturbed result, and exactly its NFE: segments lost with the silo were run again elsewhere, charged once.
            var direct = await AlgorithmCatalog.Create(requests[i].Algorithm).RunAsync(requests[i].ToSearchRequest(),
                new SearchContext(new LocalDenoiser(new GaussianField()), new VerifierPanel(new MeanTargetVerifier(AnalyticVerifiers.Target)),
                    new NfeBudget(requests[i].BudgetNfe)),
                CancellationToken.None);
            var result = (await jobs[i].GetResultAsync())!;
            Assert.Equal(direct.Top.Select(c => c.Seed.ToContract()), result.Top.Select(c => c.Seed));
            Assert.Equal(direct.Nfe.Total, status.SpentNfe);
        }
        var usage0 = await fixture.Client.GetGrain<ITenantGrain>("router-0").GetUsageAsync();
        var usage1 = await fixture.Client.GetGrain<ITenantGrain>("router-1").GetUsageAsync();
        Assert.Equal(0, usage0.ActiveJobs + usage1.ActiveJobs);
    }
}
