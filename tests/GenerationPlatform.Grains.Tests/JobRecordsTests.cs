using GenerationPlatform.Contracts;
using GenerationPlatform.Storage;
using GenerationPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GenerationPlatform.Grains.Tests;

/// <summary>A job's row in its tenant's index (written when it is accepted and when it ends) and its deletion, on the shared in-process silo.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobRecordsTests(ClusterFixture fixture)
{
    private IJobIndex Index => fixture.Cluster.GetSiloServiceProvider(fixture.Cluster.Silos[0].SiloAddress).GetRequiredService<IJobIndex>();

    private static JobSpec Request(string tenant, string model = "gauss-records", long budget = 19 * 4) =>
        TestJobs.Spec(tenant, model, "random", "mean-target", 2, 1f, 7, budget, TopK: 2, Steps: 10);

    private async Task<IReadOnlyList<JobIndexEntry>> ListedAsync(string tenant) => (await Index.ListAsync(tenant, null, null, 100, 1000)).Jobs;

    [Fact]
    public async Task AJobIsListedWhenAcceptedAndAgainWhenItEndsThenDeletedWithItsRowsAndState()
    {
        var tenant = $"records-{Guid.NewGuid():N}";
        var jobId = $"records-{Guid.NewGuid():N}";
        var job = fixture.Client.GetGrain<ISearchGrain>(jobId);
        Assert.True((await job.StartAsync(Request(tenant))).Admitted);
        var listed = Assert.Single(await ListedAsync(tenant));
        Assert.Equal((jobId, "gauss-records", 76L), (listed.JobId, listed.Model, listed.BudgetNfe));

        var status = await fixture.WaitAsync(job);
        Assert.Equal(JobStatus.Completed, status.Status);
        var ended = await Eventually.UntilAsync(async () => (await ListedAsync(tenant)).Single(), e => e.State == JobIndexState.Completed,
            TimeSpan.FromSeconds(10), "the row says the job completed", TimeSpan.FromMilliseconds(10));
        Assert.Equal((status.SpentNfe, status.FinishedAt, status.AcceptedAt), (ended.SpentNfe, ended.FinishedAt, (DateTimeOffset?)ended.AcceptedAt));
        Assert.Contains(await Index.EndedBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10_000), e => e.JobId == jobId);

        // Another tenant's deletion finds no job of its own under the id and touches nothing.
        Assert.Equal(JobDeletion.Absent, await job.DeleteAsync("someone-else"));
        Assert.Equal(JobStatus.Completed, (await job.GetStatusAsync()).Status);

        Assert.Equal(JobDeletion.Deleted, await job.DeleteAsync(tenant));
        Assert.Empty(await ListedAsync(tenant));
        Assert.DoesNotContain(await Index.EndedBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10_000), e => e.JobId == jobId);
        Assert.Equal(JobStatus.None, (await job.GetStatusAsync()).Status);
        Assert.Null(await job.GetSpecAsync());
        Assert.Empty(await job.GetEventsAsync(0));
        // A stream that was waiting on it is told there is nothing more, at once, not after its long poll.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var page = await job.WaitForEventsAsync(1, TimeSpan.FromSeconds(15));
        Assert.True(page.Finished && page.Events.Length == 0 && clock.Elapsed < TimeSpan.FromSeconds(10), $"{page}, after {clock.Elapsed}");
        Assert.Equal(JobDeletion.Absent, await job.DeleteAsync(tenant));
    }

    [Fact]
    public async Task ARunningJobIsNotDeletedUntilItHasEnded()
    {
        var tenant = $"records-{Guid.NewGuid():N}";
        var job = fixture.Client.GetGrain<ISearchGrain>($"records-running-{Guid.NewGuid():N}");
        Assert.True((await job.StartAsync(Request(tenant, "slow-records", budget: 19 * 4000))).Admitted);

        Assert.Equal(JobDeletion.Running, await job.DeleteAsync(tenant));
        Assert.Equal(JobIndexState.Running, Assert.Single(await ListedAsync(tenant)).State);

        Assert.True(await job.CancelAsync());
        Assert.Equal(JobStatus.Cancelled, (await fixture.WaitAsync(job)).Status);
        Assert.Equal(JobDeletion.Deleted, await job.DeleteAsync(tenant));
        Assert.Empty(await ListedAsync(tenant));
        // Its reservation was settled before it went.
        Assert.Equal(0, (await fixture.Client.GetGrain<ITenantGrain>(tenant).GetUsageAsync()).ActiveJobs);
    }
}
