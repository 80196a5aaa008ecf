using Azure.Storage.Blobs;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Silo;
using GenerationPlatform.Testing;
using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The host in cluster mode against a real Azurite: Azure Table clustering, grain state and reminders,
/// and results in Azure Blob Storage. In the platform collection so that it never picks free ports while
/// the shared host is picking and binding its own.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ClusterModeTests : IAsyncLifetime
{
    private AzuriteProcess azurite = null!;
    private WebApplication app = null!;

    public async Task InitializeAsync()
    {
        azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob | AzuriteServices.Table);
        app = await PlatformFixture.StartHostAsync(Settings(azurite));
    }

    /// <summary>One silo in cluster mode on <paramref name="azurite"/>: clustering, grain state, reminders and results there.</summary>
    internal static Dictionary<string, string?> Settings(AzuriteProcess azurite) => new()
    {
        ["GenerationPlatform:Host:Mode"] = "cluster",
        ["GenerationPlatform:Host:ListenAddress"] = "127.0.0.1",
        ["GenerationPlatform:Cluster:ConnectionString"] = azurite.ConnectionString,
        ["GenerationPlatform:Cluster:ClusterId"] = $"test-{Guid.NewGuid():N}",
        ["GenerationPlatform:Cluster:ServiceId"] = "genplat-tests",
        ["GenerationPlatform:Cluster:AdvertisedIp"] = "127.0.0.1",
        ["GenerationPlatform:Results:Kind"] = "blob",
        ["GenerationPlatform:Results:ConnectionString"] = azurite.ConnectionString,
        ["GenerationPlatform:Results:Container"] = "results",
    };

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        azurite?.Dispose();
    }

    [Fact]
    public async Task AJobCompletesWithItsResultInBlobStorage()
    {
        var endpoints = PlatformHost.Endpoints(app);
        Assert.Equal(PlatformHostOptions.Cluster, endpoints.Mode);
        using var client = new GenerationPlatformClient(new Uri(endpoints.Grpc), PlatformFixture.AlphaKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var end = await client.GenerateToEndAsync(PlatformFixture.Request(seed: 3), timeout.Token);
        Assert.Equal(JobUpdate.UpdateOneofCase.Result, end.UpdateCase);
        var result = end.Result;

        // Tenant-relative: neither the storage account nor the container is disclosed.
        Assert.Equal($"results/{result.JobId}/result.json", result.ResultLocation);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("results");
        var png = (await container.GetBlobClient($"alpha/{result.JobId}/top-1.png").DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(result.Images[0].Png.ToByteArray(), png);
        Assert.True((await container.GetBlobClient($"alpha/{result.JobId}/result.json").ExistsAsync()).Value);

        var job = await client.GetJobAsync(result.JobId);
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(result.Images.Select(i => i.Png), job.Result.Images.Select(i => i.Png));
        // Grain state lives in Azure Table storage: the job's history is there to replay.
        var replay = new List<JobUpdate>();
        await foreach (var u in client.WatchAsync(result.JobId, cancellationToken: timeout.Token)) replay.Add(u);
        Assert.Equal(end, replay[^1]);

        var tables = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString);
        var names = new List<string>();
        await foreach (var t in tables.QueryAsync(cancellationToken: timeout.Token)) names.Add(t.Name);
        Assert.Contains("OrleansSiloInstances", names); // clustering
        Assert.Contains("OrleansGrainState", names);    // job and tenant state
        var state = tables.GetTableClient("OrleansGrainState");
        int rows = 0;
        await foreach (var _ in state.QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: timeout.Token)) rows++;
        Assert.True(rows >= 2, $"{rows} grain state rows: expected the job's and the tenant's");
    }
}
