namespace GenerationPlatform.Storage;

/// <summary>What every <see cref="IJobIndex"/> does, run against each (<see cref="MemoryJobIndexTests"/>, <see cref="TableJobIndexTests"/>).</summary>
public abstract class JobIndexContract
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract IJobIndex Index { get; }

    private static JobIndexEntry Job(string tenant, int n, JobIndexState state = JobIndexState.Running, DateTimeOffset? finished = null) =>
        new(tenant, $"job-{n:D4}", Start.AddSeconds(n), state, "gauss", "random(candidates=8)", 152, state == JobIndexState.Running ? 0 : 150, finished);

    private async Task<List<string>> AllAsync(string tenant, JobIndexState? state, int pageSize, int scanLimit = 1000)
    {
        var ids = new List<string>();
        string? after = null;
        int pages = 0;
        do
        {
            var page = await Index.ListAsync(tenant, after, state, pageSize, scanLimit);
            Assert.True(page.Jobs.Count <= pageSize);
            ids.AddRange(page.Jobs.Select(j => j.JobId));
            after = page.Next;
            Assert.True(++pages < 100, "the listing does not end");
        }
        while (after is not null);
        return ids;
    }

    [Fact]
    public async Task ATenantsJobsArePagedNewestFirstAndNoOtherTenantsAppear()
    {
        for (int n = 1; n <= 7; n++) await Index.RecordAsync(Job("tenant-a", n));
        await Index.RecordAsync(Job("tenant-b", 4));
        await Index.RecordAsync(Job("tenant-a.b", 5));

        var expected = Enumerable.Range(1, 7).Reverse().Select(n => $"job-{n:D4}").ToList();
        Assert.Equal(expected, await AllAsync("tenant-a", null, 3));
        Assert.Equal(expected, await AllAsync("tenant-a", null, 7));
        var first = await Index.ListAsync("tenant-a", null, null, 7, 1000);
        Assert.Null(first.Next); // exactly a page: no empty page after it
        Assert.Equal(["job-0004"], await AllAsync("tenant-b", null, 3));
        Assert.Empty(await AllAsync("tenant-c", null, 3));
    }

    [Fact]
    public async Task AnEndedJobsRowReplacesItsRunningOneAndTheStateFilterReadsAtMostTheScanLimit()
    {
        for (int n = 1; n <= 10; n++) await Index.RecordAsync(Job("tenant-a", n));
        foreach (int n in new[] { 2, 9 }) await Index.RecordAsync(Job("tenant-a", n, JobIndexState.Completed, Start.AddHours(1)));

        var page = await Index.ListAsync("tenant-a", null, null, 20, 1000);
        Assert.Equal(10, page.Jobs.Count);
        var nine = page.Jobs.Single(j => j.JobId == "job-0009");
        Assert.Equal((JobIndexState.Completed, 150L, Start.AddHours(1), Start.AddSeconds(9)), (nine.State, nine.SpentNfe, nine.FinishedAt!.Value, nine.AcceptedAt));
        Assert.Equal(("gauss", "random(candidates=8)", 152L), (nine.Model, nine.Algorithm, nine.BudgetNfe));

        // Reading at most 2 rows a call: pages come back short, even empty, and the listing still finds both.
        var pages = new List<JobIndexPage>();
        string? after = null;
        do
        {
            var p = await Index.ListAsync("tenant-a", after, JobIndexState.Completed, 1, 2);
            pages.Add(p);
            after = p.Next;
        }
        while (after is not null && pages.Count < 10);
        Assert.Equal(["job-0009", "job-0002"], pages.SelectMany(p => p.Jobs).Select(j => j.JobId));
        Assert.Contains(pages, p => p.Jobs.Count == 0);
        Assert.Equal(["job-0009"], (await Index.ListAsync("tenant-a", null, JobIndexState.Completed, 1, 1000)).Jobs.Select(j => j.JobId));
        Assert.Equal(8, (await AllAsync("tenant-a", JobIndexState.Running, 3)).Count);
        Assert.Empty(await AllAsync("tenant-a", JobIndexState.Failed, 3));
    }

    [Fact]
    public async Task EndedJobsAreFoundOldestEndFirstBeforeACutoffAtMostABatch()
    {
        await Index.RecordAsync(Job("tenant-a", 1, JobIndexState.Completed, Start.AddDays(3)));
        await Index.RecordAsync(Job("tenant-b", 2, JobIndexState.Cancelled, Start.AddDays(1)));
        await Index.RecordAsync(Job("tenant-a", 3, JobIndexState.Failed, Start.AddDays(2)));
        await Index.RecordAsync(Job("tenant-a", 4)); // running: never found

        Assert.Empty(await Index.EndedBeforeAsync(Start.AddDays(1), 10));
        var ended = await Index.EndedBeforeAsync(Start.AddDays(2.5), 10);
        Assert.Equal([("tenant-b", "job-0002"), ("tenant-a", "job-0003")], ended.Select(e => (e.TenantId, e.JobId)));
        Assert.Equal(["job-0002"], (await Index.EndedBeforeAsync(Start.AddDays(10), 1)).Select(e => e.JobId));
        Assert.Equal(3, (await Index.EndedBeforeAsync(Start.AddDays(10), 10)).Count);
    }

    [Fact]
    public async Task DeleteRemovesBothRowsAndNothingElseAndIsIdempotent()
    {
        var ended = Job("tenant-a", 1, JobIndexState.Completed, Start.AddDays(1));
        await Index.RecordAsync(ended);
        await Index.RecordAsync(Job("tenant-a", 2, JobIndexState.Completed, Start.AddDays(1)));

        await Index.DeleteAsync(ended);
        await Index.DeleteAsync(ended);

        Assert.Equal(["job-0002"], await AllAsync("tenant-a", null, 10));
        Assert.Equal(["job-0002"], (await Index.EndedBeforeAsync(Start.AddDays(5), 10)).Select(e => e.JobId));
    }
}
