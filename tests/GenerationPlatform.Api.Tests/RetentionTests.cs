using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Contracts;
using GenerationPlatform.Grains;
using GenerationPlatform.Silo;
using GenerationPlatform.Storage;
using GenerationPlatform.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Runtime;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// Retention (<c>GenerationPlatform:Results:RetentionDays</c>) and deletion on the real host: the sweep's clock is turned
/// forward (a fake TimeProvider of its own; the jobs end on the real clock), and it removes exactly the jobs that ended
/// longer ago than retention, their results, index rows and state, charging no one. Embedded (memory index, result
/// folder), and in cluster mode on a real Azurite (Azure Table grain state and index, blob results).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RetentionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task<Job> CompletedJobAsync(GenerationPlatformClient client, ulong seed)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var end = await client.GenerateToEndAsync(PlatformFixture.Request(seed: seed), timeout.Token);
        Assert.Equal(JobUpdate.UpdateOneofCase.Result, end.UpdateCase);
        return await client.GetJobAsync(end.JobId);
    }

    private static async Task AssertGoneAsync(GenerationPlatformClient client, IResultStore store, string tenant, string jobId)
    {
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => client.GetJobAsync(jobId))).StatusCode);
        Assert.Null(await store.ReadAsync(tenant, jobId));
        await foreach (var listed in client.ListAllJobsAsync()) Assert.NotEqual(jobId, listed.JobId);
    }

    /// <summary>
    /// Runs an old and a recent job and a long one left running; turns the sweep's clock to when only the old one is past
    /// retention, then past the recent one: each sweep deletes exactly those, and the running job stays.
    /// </summary>
    private static async Task SweepsAsync(IServiceProvider services, FakeTimeProvider clock, GenerationPlatformClient client, string tenant, int days)
    {
        var store = services.GetRequiredService<IResultStore>();
        var sweep = services.GetRequiredService<IGrainFactory>().GetGrain<IJobRetentionGrain>(0);
        var old = await CompletedJobAsync(client, seed: 1);
        var recent = await CompletedJobAsync(client, seed: 2);
        var running = (await client.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 4000))).JobId;
        var before = await client.GetUsageAsync();

        clock.SetUtcNow(recent.FinishedAt.ToDateTimeOffset() + TimeSpan.FromDays(days)); // the recent one ended exactly `days` ago: kept
        Assert.Equal(1, await sweep.SweepAsync());
        await AssertGoneAsync(client, store, tenant, old.JobId);
        Assert.NotNull(await store.ReadAsync(tenant, recent.JobId));
        Assert.Equal(JobState.Completed, (await client.GetJobAsync(recent.JobId)).State);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await sweep.SweepAsync());
        await AssertGoneAsync(client, store, tenant, recent.JobId);
        Assert.Equal(0, await sweep.SweepAsync());

        clock.Advance(TimeSpan.FromDays(365));
        Assert.Equal(0, await sweep.SweepAsync());
        Assert.Equal(JobState.Running, (await client.GetJobAsync(running)).State);
        var listed = new List<string>();
        await foreach (var job in client.ListAllJobsAsync()) listed.Add(job.JobId);
        Assert.Equal([running], listed);

        // Charged to no one: the tenant's usage is what it was, and no call of the tenant's was counted.
        var after = await client.GetUsageAsync();
        Assert.Equal((before.SettledNfeTotal, before.JobsAdmitted, before.NfeToday, before.ChargedToday),
            (after.SettledNfeTotal, after.JobsAdmitted, after.NfeToday, after.ChargedToday));
        await client.CancelAsync(running);
    }

    [Fact]
    public async Task TheSweepRemovesTheJobsEndedLongerAgoThanRetentionAndNothingElse()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await OwnHost.StartAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:RetentionDays"] = "2",
        }, builder => builder.Services.AddKeyedSingleton<TimeProvider>(JobRetentionGrain.Clock, clock));
        using var client = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);

        // The sweep's reminder was registered when the silo started.
        var sweep = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJobRetentionGrain>(0);
        var reminders = await host.Services.GetRequiredService<IReminderTable>().ReadRows(sweep.GetGrainId());
        var reminder = Assert.Single(reminders.Reminders);
        Assert.Equal((JobRetentionGrain.Reminder, JobRetentionGrain.Period), (reminder.ReminderName, reminder.Period));

        await SweepsAsync(host.Services, clock, client, "alpha", days: 2);
    }

    [Fact]
    public async Task WithoutRetentionNothingIsSweptAndNoReminderIsRegistered()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await OwnHost.StartAsync(new Dictionary<string, string?> { ["GenerationPlatform:Results:Kind"] = "folder" },
            builder => builder.Services.AddKeyedSingleton<TimeProvider>(JobRetentionGrain.Clock, clock));
        using var client = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        var job = await CompletedJobAsync(client, seed: 3);
        clock.Advance(TimeSpan.FromDays(3650));

        var sweep = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IJobRetentionGrain>(0);
        Assert.Equal(0, await sweep.SweepAsync());
        Assert.Equal(JobState.Completed, (await client.GetJobAsync(job.JobId)).State);
        Assert.Empty((await host.Services.GetRequiredService<IReminderTable>().ReadRows(sweep.GetGrainId())).Reminders);
    }

    [Fact]
    public async Task InClusterModeDeletionAndRetentionRemoveBlobsGrainStateAndIndexRows()
    {
        using var azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob | AzuriteServices.Table);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = ClusterModeTests.Settings(azurite);
        settings["GenerationPlatform:Results:RetentionDays"] = "30";
        var app = await PlatformFixture.StartHostAsync(settings, builder => builder.Services.AddKeyedSingleton<TimeProvider>(JobRetentionGrain.Clock, clock));
        try
        {
            Assert.IsType<TableJobIndex>(app.Services.GetRequiredService<IJobIndex>());
            using var client = new GenerationPlatformClient(new Uri(PlatformHost.Endpoints(app).Grpc), PlatformFixture.BetaKey);
            var tables = new TableServiceClient(azurite.ConnectionString);
            var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("results");

            var deleted = await CompletedJobAsync(client, seed: 5);
            Assert.True(await StateRowsAsync(tables, deleted.JobId) > 0);
            Assert.NotEmpty(await BlobsAsync(container, $"beta/{deleted.JobId}/"));
            Assert.Equal(2, await IndexRowsAsync(tables, deleted.JobId));

            Assert.True((await client.DeleteJobAsync(deleted.JobId)).Deleted);
            Assert.Empty(await BlobsAsync(container, $"beta/{deleted.JobId}/"));
            Assert.Equal(0, await StateRowsAsync(tables, deleted.JobId));
            Assert.Equal(0, await IndexRowsAsync(tables, deleted.JobId));
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => client.GetJobAsync(deleted.JobId))).StatusCode);

            await SweepsAsync(app.Services, clock, client, "beta", days: 30);
            Assert.Empty(await BlobsAsync(container, "beta/")); // what is left is the job cancelled running: no result
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Grain state rows (OrleansGrainState) that name the job: its state and, while it ran, nothing else.</summary>
    private static async Task<int> StateRowsAsync(TableServiceClient tables, string jobId)
    {
        int rows = 0;
        await foreach (var row in tables.GetTableClient("OrleansGrainState").QueryAsync<TableEntity>())
            if (row.PartitionKey.Contains(jobId, StringComparison.Ordinal) || row.RowKey.Contains(jobId, StringComparison.Ordinal)) rows++;
        return rows;
    }

    private static async Task<int> IndexRowsAsync(TableServiceClient tables, string jobId)
    {
        int rows = 0;
        foreach (var table in new[] { TableJobIndex.JobsTable, TableJobIndex.EndedTable })
            await foreach (var row in tables.GetTableClient(table).QueryAsync<TableEntity>())
                if (row.GetString("JobId") == jobId) rows++;
        return rows;
    }

    private static async Task<List<string>> BlobsAsync(BlobContainerClient container, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None)) names.Add(blob.Name);
        return names;
    }
}
