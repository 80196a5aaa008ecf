using GenerationPlatform.Testing;
using System.Diagnostics;
using GenerationPlatform.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Xunit.Abstractions;

namespace GenerationPlatform.Grains.Tests;

/// <summary>Cancellation and deadlines that always work, and quota bookkeeping that cannot leak, on one silo.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CancellationTests(ClusterFixture fixture, ITestOutputHelper output)
{

    private static JobSpec Request(string tenant, string model, string algorithm, long budget, int steps = 60) =>
        TestJobs.Spec(tenant, model, algorithm, "mean-target", Label: 2, Guidance: 1f, Seed: 3, budget, TopK: 2, Sampler: Sampler.Heun, Steps: steps);

    /// <summary>Algorithms sized so that one denoise call takes seconds on the slow field: cancellation must not wait for it.</summary>
    public static TheoryData<string> LongCalls => new()
    {
        "random(candidates-per-round=512)",
        "zero-order(neighbours=512)",
        "pruned(candidates=512,prune-at=[0.9])",
        "paths(paths=128,renoisings=4,steps-per-backward=400)",
        "particles(particles=512,resample-every=60)",
    };

    [Theory]
    [MemberData(nameof(LongCalls))]
    public async Task ACancelledJobReachesItsTerminalStateWithinTwoSeconds(string algorithm)
    {
        var job = fixture.Client.GetGrain<ISearchGrain>($"cancel-fast-{Guid.NewGuid():N}");
        var admission = await job.StartAsync(Request("fast-cancel", $"slow-cancel-{algorithm.GetHashCode():x}", algorithm, budget: 1_000_000));
        Assert.True(admission.Admitted, admission.Message);
        await Task.Delay(300); // inside its first, long denoise call
        Assert.Equal(JobStatus.Running, (await job.GetStatusAsync()).Status);

        var clock = Stopwatch.StartNew();
        Assert.True(await job.CancelAsync());
        var status = await fixture.WaitAsync(job, TimeSpan.FromSeconds(30));
        output.WriteLine($"{algorithm}: {status.Status} {clock.ElapsedMilliseconds} ms after the cancel, {status.SpentNfe} NFE charged");
        Assert.Equal(JobStatus.Cancelled, status.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{algorithm} took {clock.Elapsed} to stop");
    }

    [Fact]
    public async Task CallersThatGiveUpDuringAdmissionLeakNoReservation()
    {
        const string tenant = "impatient";
        var random = new Random(11);
        var jobs = new List<ISearchGrain>();
        var calls = new List<Task>();
        for (int i = 0; i < 20; i++)
        {
            var job = fixture.Client.GetGrain<ISearchGrain>($"impatient-{i}-{Guid.NewGuid():N}");
            jobs.Add(job);
            var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 30)));
            calls.Add(job.StartAsync(Request(tenant, "gauss-impatient", "random", budget: 19 * 16, steps: 10), gone.Token));
        }
        try { await Task.WhenAll(calls); } catch (OperationCanceledException) { } // some callers gave up
        // Whatever each caller saw, every job that was admitted runs and settles, and no other reserves anything:
        // wait until no job is running (a never-admitted one has no state) and nothing stays reserved.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        TenantUsage usage;
        // Quiet for three checks in a row: a start still being admitted (its status reads interleave) shows up meanwhile.
        for (int quiet = 0; quiet < 3;)
        {
            var statuses = await Task.WhenAll(jobs.Select(j => j.GetStatusAsync()));
            usage = await fixture.Client.GetGrain<ITenantGrain>(tenant).GetUsageAsync();
            quiet = statuses.All(s => s.Status != JobStatus.Running) && usage.ActiveJobs == 0 ? quiet + 1 : 0;
            Assert.True(DateTime.UtcNow < until, $"{statuses.Count(s => s.Status == JobStatus.Running)} jobs still running, {usage.ActiveJobs} reservations");
            await Task.Delay(100);
        }
        usage = await fixture.Client.GetGrain<ITenantGrain>(tenant).GetUsageAsync();
        output.WriteLine($"admitted {usage.JobsAdmitted}, settled {usage.JobsSettled}, released {usage.JobsReleased}");
        Assert.Equal((0, 0L), (usage.ActiveJobs, usage.ReservedNfe));
        Assert.Equal(usage.JobsAdmitted, usage.JobsSettled + usage.JobsReleased);
    }
}

/// <summary>Faults of storage and silos, on the two-silo cluster whose state outlives its silos.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class FaultTests(TwoSiloClusterFixture fixture)
{
    private static JobSpec Request(string tenant, long budget) =>
        TestJobs.Spec(tenant, "gauss-faults", "random", "mean-target", Label: 2, Guidance: 1f, Seed: 5, budget, TopK: 2, Sampler: Sampler.Heun, Steps: 10);

    private Serializer Serializer => fixture.Cluster.GetSiloServiceProvider(fixture.Primary.SiloAddress).GetRequiredService<Serializer>();

    [Fact]
    public async Task APoisonJobIsFailedAfterItsResumptionsInsteadOfResumedAgain()
    {
        const string tenant = "poisoner";
        var job = fixture.Client.GetGrain<ISearchGrain>($"poison-{Guid.NewGuid():N}");
        var request = Request(tenant, 19 * 32);
        Assert.True((await fixture.Client.GetGrain<ITenantGrain>(tenant).AdmitAsync(job.GetPrimaryKeyString(), new JobCost(request.BudgetNfe, 0))).Admitted);
        // As a silo leaves it: running, with as many resumptions as allowed already behind it (each time its silo died).
        SharedGrainStorage.Write(Serializer, "job", job.GetGrainId(), new SearchJobState
        {
            Status = JobStatus.Running, Spec = request, AcceptedAt = DateTimeOffset.UtcNow, Resumptions = 3, EventCount = 1,
            Events = [new JobEvent(0, JobEventKind.Accepted, DateTimeOffset.UtcNow, -1, 0, 0, request.BudgetNfe, double.NaN, [], null)],
        });

        var status = await job.GetStatusAsync(); // activation: it would resume here
        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Contains("not resumed again", status.Message);
        Assert.Equal(JobStatus.Failed, fixture.PersistedJob(job)!.Status);
        var usage = await fixture.Client.GetGrain<ITenantGrain>(tenant).GetUsageAsync();
        Assert.Equal((0, 1L), (usage.ActiveJobs, usage.JobsReleased));
    }

    [Fact]
    public async Task AJobThatCannotBeRecordedAfterAdmissionGivesItsReservationBack()
    {
        const string tenant = "unrecorded";
        var job = fixture.Client.GetGrain<ISearchGrain>($"unrecorded-{Guid.NewGuid():N}");
        var id = job.GetGrainId();
        SharedGrainStorage.FailWrites = (state, grain) => state == "job" && grain == id;
        try
        {
            var admission = await job.StartAsync(Request(tenant, 19 * 16));
            Assert.False(admission.Admitted);
            Assert.Equal(QuotaRejection.Unavailable, admission.Rejection);
        }
        finally { SharedGrainStorage.FailWrites = null; }
        var usage = await fixture.Client.GetGrain<ITenantGrain>(tenant).GetUsageAsync();
        Assert.Equal((0, 0L, 1L, 1L), (usage.ActiveJobs, usage.ReservedNfe, usage.JobsAdmitted, usage.JobsReleased));
    }

    [Fact]
    public async Task ASettlementThatFailsIsRetriedByTheJobsReminder()
    {
        const string tenant = "flaky-settle";
        var job = fixture.Client.GetGrain<ISearchGrain>($"flaky-{Guid.NewGuid():N}");
        var tenantGrain = fixture.Client.GetGrain<ITenantGrain>(tenant);
        var tenantId = tenantGrain.GetGrainId();
        await tenantGrain.GetUsageAsync(); // activate it before the fault
        Assert.True((await job.StartAsync(Request(tenant, 19 * 16))).Admitted);
        // The tenant's storage goes down for the job's end: its settlement write fails.
        SharedGrainStorage.FailWrites = (state, grain) => state == "tenant" && grain == tenantId;
        JobSnapshot status;
        try
        {
            status = await fixture.WaitAsync(job);
            Assert.Equal(JobStatus.Completed, status.Status);
            Assert.False(fixture.PersistedJob(job)!.UsageSettled);
        }
        finally { SharedGrainStorage.FailWrites = null; }

        // Storage is back: the job's reminder (every second here) settles, then gives itself up.
        await Eventually.UntilAsync(() => Task.FromResult(fixture.PersistedJob(job)?.UsageSettled == true && SharedReminderTable.NamesOf(job.GetGrainId()).Length == 0),
            TimeSpan.FromSeconds(30), "the failed settlement is retried and the reminder given up", TimeSpan.FromMilliseconds(50));
        var usage = await tenantGrain.GetUsageAsync();
        Assert.Equal((0, 0L, 1L), (usage.ActiveJobs, usage.ReservedNfe, usage.JobsSettled));
        Assert.Equal(status.SpentNfe, usage.SettledNfeTotal);
    }

    [Fact]
    public async Task AReservationNoRunningJobHoldsIsReconciledWhenTheTenantIsFull()
    {
        const string tenant = "leaky";
        var tenantGrain = fixture.Client.GetGrain<ITenantGrain>(tenant);
        // A reservation whose job never started (as if its state write had been lost with its silo).
        Assert.True((await tenantGrain.AdmitAsync($"ghost-{Guid.NewGuid():N}", new JobCost(100, 0))).Admitted);
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // older than the fixture's ReconcileAfter (1 s)
        var quota = (await tenantGrain.GetUsageAsync()).Quota.MaxConcurrentJobs;
        // Fill every remaining slot with live reservations; the next admission finds the tenant full and reconciles.
        for (int i = 1; i < quota; i++) Assert.True((await tenantGrain.AdmitAsync($"live-{i}-{Guid.NewGuid():N}", new JobCost(100, 0))).Admitted);
        var admission = await tenantGrain.AdmitAsync($"next-{Guid.NewGuid():N}", new JobCost(100, 0));
        Assert.True(admission.Admitted, admission.Message);
        Assert.Equal(1L, (await tenantGrain.GetUsageAsync()).JobsReleased);
    }
}
