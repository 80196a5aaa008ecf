using GenerationPlatform.Testing;
using System.Diagnostics;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using Xunit.Abstractions;

namespace GenerationPlatform.Grains.Tests;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class JobResumeTests(TwoSiloClusterFixture fixture, ITestOutputHelper output)
{
    private static JobSpec Request(string tenant, string algorithm, long budget) =>
        TestJobs.Spec(tenant, $"slow-resume-{algorithm}", algorithm, "mean-target", Label: 2, Guidance: 1f, Seed: 21, budget, TopK: 3, Sampler: Sampler.Heun, Steps: 10,
            Deadline: TimeSpan.FromMinutes(5));

    [Fact]
    public async Task AJobWhoseSiloStopsResumesOnTheOtherSiloWhenPolledAndEndsWithTheUndisturbedResult()
    {
        var clock = Stopwatch.StartNew();
        // Twelve rounds of 16 candidates on the slow field: long enough to stop the silo mid-search.
        var request = Request("resilient", "random", budget: 19 * 16 * 12);
        var doomed = await fixture.SecondSiloAsync();
        var job = await OnSiloAsync(doomed.SiloAddress);

        Assert.True((await job.StartAsync(request)).Admitted);
        Assert.Contains("resume", SharedReminderTable.NamesOf(job.GetGrainId()));
        await WaitForEventsAsync(job, 4); // accepted and three rounds
        await fixture.Cluster.StopSiloAsync(doomed);
        output.WriteLine($"silo stopped after {clock.ElapsedMilliseconds} ms");

        // A status poll activates the job on the surviving silo, which resumes it.
        var status = await WaitAsync(job, TimeSpan.FromSeconds(20));
        output.WriteLine($"finished {status.Status} after {clock.ElapsedMilliseconds} ms, {status.SpentNfe} NFE, {status.EventCount} events");
        await AssertResumedAsUndisturbedAsync(job, request, status, doomed.SiloAddress);
    }

    [Fact]
    public async Task TheReminderResumesAJobWhoseSiloStoppedWithoutAnyoneCallingIt()
    {
        var clock = Stopwatch.StartNew();
        // Twelve rounds of four neighbours on the slow field.
        var request = Request("reminded", "zero-order", budget: 19 * (1 + 4 * 12));
        var doomed = await fixture.SecondSiloAsync();
        var job = await OnSiloAsync(doomed.SiloAddress);

        Assert.True((await job.StartAsync(request)).Admitted);
        await WaitForEventsAsync(job, 4);
        await fixture.Cluster.StopSiloAsync(doomed);
        output.WriteLine($"silo stopped after {clock.ElapsedMilliseconds} ms");

        // Nobody calls the job: only its reminder can get it activated and finished.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (fixture.PersistedJob(job) is not { Status: not JobStatus.Running })
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the reminder did not resume the job");
            await Task.Delay(50);
        }
        output.WriteLine($"persisted as finished after {clock.ElapsedMilliseconds} ms");
        var status = await job.GetStatusAsync();
        await AssertResumedAsUndisturbedAsync(job, request, status, doomed.SiloAddress);

        // A finished job gives its reminder up.
        while (SharedReminderTable.NamesOf(job.GetGrainId()).Length > 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the finished job kept its reminder");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task AResumedJobKeepsTheDeadlineCountedFromItsAcceptance()
    {
        var deadline = TimeSpan.FromSeconds(3);
        var request = Request("punctual", "random", budget: 19 * 16 * 200) with { Deadline = deadline };
        var doomed = await fixture.SecondSiloAsync();
        var job = await OnSiloAsync(doomed.SiloAddress);

        Assert.True((await job.StartAsync(request)).Admitted);
        await WaitForEventsAsync(job, 3);
        await fixture.Cluster.StopSiloAsync(doomed);
        var status = await WaitAsync(job, TimeSpan.FromSeconds(20));

        Assert.Equal(JobStatus.DeadlineExceeded, status.Status);
        var events = await job.GetEventsAsync(0);
        var resumedAt = Assert.Single(events, e => e.Message?.StartsWith("resumed", StringComparison.Ordinal) == true).At;
        var dueAt = status.AcceptedAt!.Value + deadline;
        output.WriteLine($"accepted {status.AcceptedAt:HH:mm:ss.fff}, resumed {resumedAt:HH:mm:ss.fff}, due {dueAt:HH:mm:ss.fff}, ended {status.FinishedAt:HH:mm:ss.fff}");
        // A deadline restarted by the resume would end the job a whole deadline after it resumed; the kept one ends
        // it at the original due time (or at once if that has passed). The bound leaves room for a loaded machine.
        Assert.True(status.FinishedAt < resumedAt + deadline, "the deadline was not kept across the resume");
        Assert.True(status.SpentNfe < request.BudgetNfe);
        var usage = await fixture.Client.GetGrain<ITenantGrain>(request.TenantId).GetUsageAsync();
        Assert.Equal((0, 0L, 1L, 0L, 1L), (usage.ActiveJobs, usage.ReservedNfe, usage.JobsAdmitted, usage.JobsSettled, usage.JobsReleased));
    }

    [Fact]
    public async Task ASiloStopsWithinItsGracePeriodWhileALongDenoiseCallIsInFlight()
    {
        // One round of 512 candidates at 60 Heun steps on the slow field: seconds inside a single denoise call.
        var request = TestJobs.Spec("graceful", "slow-resume-graceful", "random(candidates-per-round=512)", "mean-target", Label: 2, Guidance: 1f, Seed: 4,
            BudgetNfe: 119 * 1024, TopK: 2, Sampler: Sampler.Heun, Steps: 60);
        var doomed = await fixture.SecondSiloAsync();
        var job = await OnSiloAsync(doomed.SiloAddress);
        Assert.True((await job.StartAsync(request)).Admitted);
        await Task.Delay(500); // inside the first call

        var clock = Stopwatch.StartNew();
        await fixture.Cluster.StopSiloAsync(doomed);
        output.WriteLine($"silo stopped in {clock.ElapsedMilliseconds} ms with the call in flight");
        // The search is stopped between model calls, not waited out (that would take seconds more per call).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the silo took {clock.Elapsed} to stop");

        // The job was suspended, not ended: it resumes on the surviving silo; cancel it there.
        Assert.Equal(JobStatus.Running, (await job.GetStatusAsync()).Status);
        Assert.True(await job.CancelAsync());
        Assert.Equal(JobStatus.Cancelled, (await WaitAsync(job, TimeSpan.FromSeconds(20))).Status);
    }

    private async Task AssertResumedAsUndisturbedAsync(ISearchGrain job, JobSpec request, JobSnapshot status, SiloAddress stopped)
    {
        Assert.True(status.Status == JobStatus.Completed, status.Message);
        var survivor = await fixture.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(job);
        Assert.NotNull(survivor);
        Assert.NotEqual(stopped, survivor);

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
        Assert.Equal((direct.Nfe.Search, direct.Nfe.Final, direct.Nfe.ModelEvaluations, direct.Rounds),
            (result.SearchNfe, result.FinalNfe, result.ModelEvaluations, result.Rounds));
        Assert.Equal(direct.Nfe.Total, status.SpentNfe);

        // One event log: contiguous, every round once, a note where it resumed.
        var events = await job.GetEventsAsync(0);
        Assert.Equal(Enumerable.Range(0, events.Length), events.Select(e => e.Index));
        var rounds = events.Where(e => e.Kind == JobEventKind.Progress && e.Message is null).Select(e => e.Round).ToArray();
        Assert.Equal(rounds.Distinct().Order(), rounds);
        // The last round is logged once: a final report that changes nothing is not an event of its own.
        Assert.Equal(direct.Rounds, status.LastRound);
        Assert.True(rounds[^1] >= direct.Rounds - 1, $"last logged round {rounds[^1]} of {direct.Rounds}");
        var resumed = Assert.Single(events, e => e.Message?.StartsWith("resumed", StringComparison.Ordinal) == true);
        output.WriteLine(resumed.Message);
        Assert.Equal(JobEventKind.Completed, events[^1].Kind);
        Assert.True(fixture.PersistedCheckpoint(job) is null or { Links: 0 }, "an ended job keeps no checkpoint");

        // The reservation made at admission was settled once, with what the whole search spent.
        var usage = await fixture.Client.GetGrain<ITenantGrain>(request.TenantId).GetUsageAsync();
        Assert.Equal((0, 0L, 1L, 1L, 0L), (usage.ActiveJobs, usage.ReservedNfe, usage.JobsAdmitted, usage.JobsSettled, usage.JobsReleased));
        Assert.Equal(direct.Nfe.Total, usage.SettledNfeTotal);
    }

    /// <summary>A job id whose grain activates on the given silo (placement is the runtime's choice: try ids until one lands there).</summary>
    private async Task<ISearchGrain> OnSiloAsync(SiloAddress silo)
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15); // a silo just started takes a moment to be offered by placement
        for (int attempt = 1; ; attempt++)
        {
            var job = fixture.Client.GetGrain<ISearchGrain>($"resume-{Guid.NewGuid():N}");
            await job.GetStatusAsync();
            if (await management.GetActivationAddress(job) == silo) return job;
            if (DateTime.UtcNow > until) throw new InvalidOperationException($"no job grain was placed on {silo} in {attempt} tries");
            if (attempt % 20 == 0) await Task.Delay(100);
        }
    }

    private static Task<JobSnapshot> WaitAsync(ISearchGrain job, TimeSpan timeout) => Jobs.FinishedAsync(job, timeout);

    private static Task WaitForEventsAsync(ISearchGrain job, int count) =>
        Eventually.UntilAsync(() => job.GetStatusAsync(), s => s.EventCount >= count, TimeSpan.FromSeconds(20), $"job {job.GetPrimaryKeyString()} logs {count} events",
            TimeSpan.FromMilliseconds(5));
}
