using GenerationPlatform.Testing;
using System.Diagnostics;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using Xunit.Abstractions;

namespace GenerationPlatform.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SearchGrainTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Label = 2;
    private static int jobCounter;

    private static string NewJobId(string what) => $"{what}-{Interlocked.Increment(ref jobCounter)}-{Guid.NewGuid():N}";

    private static JobSpec Request(string tenant, string model, string algorithm, long budget, ulong seed = 7, TimeSpan? deadline = null) =>
        TestJobs.Spec(tenant, model, algorithm, "mean-target", Label, 1f, seed, budget, TopK: 3, Sampler: Sampler.Heun, Steps: 10, Deadline: deadline);

    [Theory]
    [InlineData("random")]
    [InlineData("zero-order")]
    [InlineData("pruned")]
    [InlineData("paths")]
    [InlineData("particles")]
    public async Task AJobEndsWithTheResultOfTheSameSearchRunDirectly(string algorithm)
    {
        var request = Request("alpha", "gauss-e2e", algorithm, budget: 380, seed: 11);
        var job = fixture.Client.GetGrain<ISearchGrain>(NewJobId(algorithm));

        var admission = await job.StartAsync(request);
        Assert.True(admission.Admitted, admission.Message);
        var status = await fixture.WaitAsync(job);
        Assert.True(status.Status == JobStatus.Completed, status.Message);
        var result = (await job.GetResultAsync())!;

        var direct = await AlgorithmCatalog.Create(algorithm).RunAsync(
            request.ToSearchRequest(),
            new SearchContext(new LocalDenoiser(new GaussianField()), new VerifierPanel(new MeanTargetVerifier(AnalyticVerifiers.Target)), new NfeBudget(request.BudgetNfe)),
            CancellationToken.None);

        Assert.Equal(direct.Top.Select(c => c.Seed.ToContract()), result.Top.Select(c => c.Seed));
        for (int i = 0; i < direct.Top.Count; i++)
        {
            Assert.Equal(direct.Top[i].Image, result.Top[i].Image);
            Assert.Equal(direct.Top[i].Scores.Primary, result.Top[i].Score);
        }
        Assert.Equal(direct.Nfe.Total, result.SearchNfe + result.FinalNfe);
        Assert.Equal(direct.Rounds, result.Rounds);
        Assert.Equal(status.SpentNfe, direct.Nfe.Total);
    }

    [Fact]
    public async Task ConcurrentJobsShareDenoiserBatches()
    {
        const int jobs = 8;
        var clock = Stopwatch.StartNew();
        var grains = Enumerable.Range(0, jobs).Select(i => fixture.Client.GetGrain<ISearchGrain>(NewJobId("shared"))).ToArray();
        // Two rounds of 8 candidates each: each job alone would batch at most 8 trajectories.
        var admissions = await Task.WhenAll(grains.Select((g, i) =>
            g.StartAsync(Request($"tenant-{i % 3}", "gauss-shared", "random", budget: 19 * 8, seed: (ulong)(100 + i)))));
        Assert.All(admissions, a => Assert.True(a.Admitted, a.Message));
        var statuses = await Task.WhenAll(grains.Select(g => fixture.WaitAsync(g)));
        Assert.All(statuses, s => Assert.Equal(JobStatus.Completed, s.Status));

        var stats = await fixture.Client.GetGrain<IDenoiserGrain>(SiloBoundKey.Of("gauss-shared", fixture.Cluster.Silos[0].SiloAddress)).GetStatsAsync();
        output.WriteLine($"{jobs} jobs in {clock.ElapsedMilliseconds} ms: {stats.ModelCalls} model calls, {stats.TrajectorySteps} trajectory-steps, " +
            $"mean batch {stats.MeanBatch:F1}");
        Assert.Equal(jobs * 8 * 19, stats.TrajectorySteps);
        Assert.True(stats.MeanBatch > 1, $"mean batch {stats.MeanBatch}");
        Assert.True(stats.ModelCalls < jobs * 19, $"{stats.ModelCalls} calls: jobs did not share batches");
    }

    [Fact]
    public async Task ACancelledJobStopsEarlyAndReleasesItsReservation()
    {
        var job = fixture.Client.GetGrain<ISearchGrain>(NewJobId("cancel"));
        var admission = await job.StartAsync(Request("canceller", "slow-cancel", "random", budget: 19 * 2000));
        Assert.True(admission.Admitted, admission.Message);
        await fixture.WaitForEventsAsync(job, 2); // accepted and a first round

        Assert.True(await job.CancelAsync());
        var status = await fixture.WaitAsync(job, TimeSpan.FromSeconds(10));

        Assert.Equal(JobStatus.Cancelled, status.Status);
        Assert.True(status.SpentNfe < 19 * 2000);
        Assert.Null(await job.GetResultAsync());
        Assert.NotEmpty(await job.GetBestAsync());
        var events = await job.GetEventsAsync(0);
        Assert.Equal(JobEventKind.Cancelled, events[^1].Kind);
        Assert.False(await job.CancelAsync());
        var usage = await fixture.Client.GetGrain<ITenantGrain>("canceller").GetUsageAsync();
        Assert.Equal(0, usage.ActiveJobs);
        Assert.Equal(1, usage.JobsReleased);
        Assert.True(usage.NfeToday < 19 * 2000, "the unspent part of the reservation is released");
    }

    [Fact]
    public async Task AJobPastItsDeadlineEndsWithTheBestSoFar()
    {
        var job = fixture.Client.GetGrain<ISearchGrain>(NewJobId("deadline"));
        var clock = Stopwatch.StartNew();
        var admission = await job.StartAsync(Request("hurried", "slow-deadline", "random", budget: 19 * 2000, deadline: TimeSpan.FromMilliseconds(600)));
        Assert.True(admission.Admitted, admission.Message);

        var status = await fixture.WaitAsync(job, TimeSpan.FromSeconds(10));

        output.WriteLine($"ended {status.Status} after {clock.ElapsedMilliseconds} ms, {status.SpentNfe} NFE, {status.EventCount} events");
        Assert.Equal(JobStatus.DeadlineExceeded, status.Status);
        Assert.True(status.SpentNfe < 19 * 2000);
        Assert.Equal(JobEventKind.DeadlineExceeded, (await job.GetEventsAsync(0))[^1].Kind);
        Assert.Equal(0, (await fixture.Client.GetGrain<ITenantGrain>("hurried").GetUsageAsync()).ActiveJobs);
    }

    [Fact]
    public async Task EventsReplayFromAnyIndexAndSurviveDeactivation()
    {
        var job = fixture.Client.GetGrain<ISearchGrain>(NewJobId("events"));
        Assert.True((await job.StartAsync(Request("alpha", "gauss-events", "random", budget: 19 * 40))).Admitted);

        // A watcher that polls from where it left off sees the same log as a late full replay.
        var watched = new List<JobEvent>();
        while (true)
        {
            watched.AddRange(await job.GetEventsAsync(watched.Count));
            if (watched.Count > 0 && watched[^1].Kind != JobEventKind.Progress && watched[^1].Kind != JobEventKind.Accepted) break;
            await Task.Delay(5);
        }
        var all = await job.GetEventsAsync(0);

        Assert.Equal(all.Select(Key), watched.Select(Key));
        Assert.Equal(Enumerable.Range(0, all.Length), all.Select(e => e.Index));
        Assert.Equal(JobEventKind.Accepted, all[0].Kind);
        Assert.Equal(JobEventKind.Completed, all[^1].Kind);
        Assert.True(all.Count(e => e.Kind == JobEventKind.Progress) >= 3, "one event per round of 16 candidates, then the final one");
        Assert.Equal(all.Skip(3).Select(Key), (await job.GetEventsAsync(3)).Select(Key));
        Assert.Empty(await job.GetEventsAsync(all.Length));
        var spentByRound = all.Where(e => e.Kind == JobEventKind.Progress).Select(e => e.SearchNfe).ToArray();
        Assert.Equal(spentByRound.Order(), spentByRound);

        // State is persisted: a fresh activation reads the same log and result.
        var result = await job.GetResultAsync();
        await fixture.Cluster.DeactivateAsync(job);
        Assert.Equal(all.Select(Key), (await job.GetEventsAsync(0)).Select(Key));
        Assert.Equal(result!.Top.Select(c => c.Seed), (await job.GetResultAsync())!.Top.Select(c => c.Seed));
        Assert.Equal(JobStatus.Completed, (await job.GetStatusAsync()).Status);
    }

    private static string Key(JobEvent e) =>
        $"{e.Index} {e.Kind} {e.At:O} r{e.Round} {e.SearchNfe}+{e.FinalNfe}/{e.Budget} {e.BestScore:R} " +
        $"[{string.Join(", ", e.Best.Select(b => $"{b.Seed} {b.Score:R}"))}] {e.Message}";

    [Fact]
    public async Task ModelsAndVerifiersTheSiloDoesNotServeAreRejectedBeforeAdmission()
    {
        // The spec's algorithm and numbers were checked at the edge (SearchJobValidationTests); what the silo finds is its own.
        var bad = new[]
        {
            (Request("strict", "no-such-model", "random", 380), QuotaRejection.UnknownModel),
            (Request("strict", "gauss-e2e", "random", 380) with { Verifier = "no-such-verifier" }, QuotaRejection.UnknownVerifier),
        };
        foreach (var (request, reason) in bad)
        {
            var admission = await fixture.Client.GetGrain<ISearchGrain>(NewJobId("bad")).StartAsync(request);
            Assert.False(admission.Admitted);
            Assert.Equal(reason, admission.Rejection);
        }
        Assert.Equal(0, (await fixture.Client.GetGrain<ITenantGrain>("strict").GetUsageAsync()).JobsAdmitted);
    }

    [Fact]
    public async Task AJobIdRunsOnce()
    {
        var job = fixture.Client.GetGrain<ISearchGrain>(NewJobId("once"));
        Assert.True((await job.StartAsync(Request("alpha", "gauss-e2e", "random", 380))).Admitted);
        var again = await job.StartAsync(Request("alpha", "gauss-e2e", "random", 380));
        Assert.False(again.Admitted);
        Assert.Equal(JobStatus.Completed, (await fixture.WaitAsync(job)).Status);
    }
}
