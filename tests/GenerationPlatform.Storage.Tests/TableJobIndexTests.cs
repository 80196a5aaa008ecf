using Azure.Data.Tables;
using GenerationPlatform.Testing;

namespace GenerationPlatform.Storage;

/// <summary>The job index in Azure Table storage, on a real Azurite of each test's own (the tables are the index's, not a test's).</summary>
public sealed class TableJobIndexTests : JobIndexContract, IAsyncLifetime
{
    private AzuriteProcess azurite = null!;
    private IJobIndex index = null!;

    protected override IJobIndex Index => index;

    public async Task InitializeAsync()
    {
        azurite = await AzuriteProcess.StartAsync(AzuriteServices.Table);
        index = new TableJobIndex(new TableServiceClient(azurite.ConnectionString));
    }

    public Task DisposeAsync()
    {
        azurite?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RowsAreKeyedByTenantAndPositionWithTheEndedOnesInAPartitionOfTheirOwn()
    {
        var accepted = new DateTimeOffset(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);
        var job = new JobIndexEntry("tenant-a", "job-1", accepted, JobIndexState.Completed, "gauss", "random", 10, 9, accepted.AddMinutes(1));
        await index.RecordAsync(job);

        var tables = new TableServiceClient(azurite.ConnectionString);
        var row = Assert.Single(tables.GetTableClient(TableJobIndex.JobsTable).Query<TableEntity>());
        Assert.Equal(("tenant-a", job.Position), (row.PartitionKey, row.RowKey));
        var ended = Assert.Single(tables.GetTableClient(TableJobIndex.EndedTable).Query<TableEntity>());
        Assert.Equal(JobIndexKeys.Ended(accepted.AddMinutes(1), "job-1"), ended.RowKey);
        // Times to the tick: a position computed from a row read back finds the row.
        var read = Assert.Single((await index.ListAsync("tenant-a", null, null, 10, 1000)).Jobs);
        Assert.Equal(job, read);
    }
}
