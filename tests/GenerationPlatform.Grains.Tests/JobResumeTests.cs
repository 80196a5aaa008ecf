using System.Diagnostics;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using Xunit.Abstractions;

namespace GenerationPlatform.Grains.Tests;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class JobResumeTests(TwoSiloClusterFixture fixture, ITestOutputHelper output)
{
    private static JobRequest Request(string tenant, string algorithm, long budget) =>
        new(tenant, "slow-resume", algorithm, "mean-target", Label: 2, Guidance: 1f, Seed: 21, budget, TopK: 3, Sampler: Sampler.Heun, Steps: 10,
            Deadline: TimeSpan.FromMinutes(5));

    [Fact]
    public async Task A_job_whose_silo_stops_resumes_on_the_other_silo_and_ends_with_the_undisturbed_result()
    {
        var clock = Stopwatch.StartNew();
        // Twelve rounds of 16 candidates on the slow field: long enough to stop the silo mid-search.
        var request = Request("resilient", "random", budget: 19 * 16 * 12);
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var doomed = fixture.Cluster.Silos[^1];
        var (job, jobId) = await OnSiloAsync(doomed.SiloAddress);

        Assert.True((await job.StartAsync(request)).Admitted);
        await WaitForEventsAsync(job, 4); // accepted and three rounds
        await fixture.Cluster.StopSiloAsync(doomed);
        output.WriteLine($"silo stopped after {clock.ElapsedMilliseconds} ms");

        var status = await WaitAsync(job, TimeSpan.FromSeconds(20));
        output.WriteLine($"finished {status.Status} after {clock.ElapsedMilliseconds} ms, {status.SpentNfe} NFE, {status.EventCount} events");
        Assert.True(status.Status == JobStatus.Completed, status.Message);
        var survivor = await management.GetActivationAddress(job);
        Assert.NotNull(survivor);
        Assert.NotEqual(doomed.SiloAddress, survivor);

        // The same result as the same request run undisturbed.
        var direct = await AlgorithmCatalog.Create(request.Algorithm).RunAsync(
            request.ToSearchRequest(),
            new SearchContext(new LocalDenoiser(new GaussianField()), new VerifierPanel(new MeanTargetVerifier(AnalyticVerifiers.Target)), new NfeBudget(request.BudgetNfe)),
            CancellationToken.None);
        var result = (await job.GetResultAsync())!;
        Assert.Equal(direct.Top.Select(c => c.Seed.ToContract()), result.Top.Select(c => c.Seed));
        for (int i = 0; i < direct.Top.Count; i++)
        {
            Assert.Equal(direct.Top[i].Image, result.Top[i].Image);
            Assert.Equal(direct.Top[i].Scores.Primary, result.Top[i].Score);
        }
        Assert.Equal((direct.Nfe.Search, direct.Nfe.Final, direct.Nfe.ModelEvaluations, direct.Rounds), (result.SearchNfe, result.FinalNfe, result.ModelEvaluations, result.Rounds));
        Assert.Equal(direct.Nfe.Total, status.SpentNfe);

        // One event log: contiguous, every round once, a note where it resumed.
        var events = await job.GetEventsAsync(0);
        Assert.Equal(Enumerable.Range(0, events.Length), events.Select(e => e.Index));
        var rounds = events.Where(e => e.Kind == JobEventKind.Progress && e.Message is null).Select(e => e.Round).ToArray();
        Assert.Equal(Enumerable.Range(0, direct.Rounds + 1), rounds);
        var resumed = Assert.Single(events, e => e.Message?.StartsWith("resumed", StringComparison.Ordinal) == true);
        output.WriteLine(resumed.Message);
        Assert.Equal(JobEventKind.Completed, events[^1].Kind);

        // The reservation made at admission was settled once, with what the whole search spent.
        var usage = await fixture.Client.GetGrain<ITenantGrain>("resilient").GetUsageAsync();
        Assert.Equal((0, 0L, 1L, 1L, 0L), (usage.ActiveJobs, usage.ReservedNfe, usage.JobsAdmitted, usage.JobsSettled, usage.JobsReleased));
        Assert.Equal(direct.Nfe.Total, usage.SettledNfeTotal);
        output.WriteLine($"job {jobId} done in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>A job id whose grain activates on the given silo (placement is the runtime's choice: try ids until one lands there).</summary>
    private async Task<(ISearchGrain Job, string Id)> OnSiloAsync(SiloAddress silo)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var id = $"resume-{Guid.NewGuid():N}";
            var job = fixture.Client.GetGrain<ISearchGrain>(id);
            await job.GetStatusAsync();
            if (await management.GetActivationAddress(job) == silo) return (job, id);
        }
        throw new InvalidOperationException($"no job grain was placed on {silo} in 100 tries");
    }

    private static async Task<JobSnapshot> WaitAsync(ISearchGrain job, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await job.GetStatusAsync();
            if (status.IsFinished) return status;
            if (DateTime.UtcNow > until) throw new TimeoutException($"job {status.JobId} still {status.Status} after {status.EventCount} events");
            await Task.Delay(20);
        }
    }

    private static async Task WaitForEventsAsync(ISearchGrain job, int count)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await job.GetStatusAsync()).EventCount < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("no progress");
            await Task.Delay(5);
        }
    }
}
