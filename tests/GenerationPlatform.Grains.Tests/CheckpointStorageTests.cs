using Azure.Storage.Blobs;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace GenerationPlatform.Grains.Tests;

/// <summary>One silo whose job checkpoints go to Azure Blob grain storage on a real Azurite, as in a cluster.</summary>
public sealed class BlobCheckpointFixture : IAsyncLifetime
{
    public AzuriteProcess Azurite { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob);
        var connection = Azurite.ConnectionString;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(ClusterFixture.Configuration));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.AddAzureBlobGrainStorage(GrainStorage.Checkpoints, o =>
            {
                o.BlobServiceClient = new BlobServiceClient(connection);
                o.ContainerName = "genplat-checkpoints";
            });
            silo.UseInMemoryReminderService();
            ClusterFixture.AddAnalyticPlatform(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Azurite.Dispose();
    }
}

/// <summary>
/// The largest jobs the API admits still checkpoint: their checkpoints (megabytes: every kept
/// trajectory's state) are written to and read back from the blob grain storage on Azurite whole.
/// </summary>
public sealed class CheckpointStorageTests(BlobCheckpointFixture fixture, ITestOutputHelper output) : IClassFixture<BlobCheckpointFixture>
{
    /// <summary>Each algorithm at the bounds a request may set, with the API's largest budget.</summary>
    public static TheoryData<string, int> Largest => new()
    {
        { $"particles(particles={SearchLimits.MaxTrajectoriesPerCall},resample-every=2)", SearchLimits.MaxTrajectoriesPerCall },
        { $"paths(paths={SearchLimits.MaxTrajectoriesPerCall / 2},renoisings=2)", SearchLimits.MaxTrajectoriesPerCall / 2 },
        { $"pruned(candidates={SearchLimits.MaxTrajectoriesPerCall},keep=0.9)", (int)Math.Ceiling(SearchLimits.MaxTrajectoriesPerCall * 0.9) },
    };

    [Theory]
    [MemberData(nameof(Largest))]
    public async Task TheLargestAdmissibleCheckpointsRoundTripThroughBlobStorage(string algorithm, int keptStates)
    {
        var client = fixture.Cluster.Client;
        var job = client.GetGrain<ISearchGrain>($"largest-{Guid.NewGuid():N}");
        var request = TestJobs.Spec("largest", $"slow-largest-{algorithm.GetHashCode():x}", algorithm, "mean-target", Label: 2, Guidance: 1f, Seed: 9,
            BudgetNfe: 100_000, TopK: 16, Sampler: Sampler.Heun, Steps: 10);
        var admission = await job.StartAsync(request);
        Assert.True(admission.Admitted, admission.Message);

        // Wait for the first checkpoint to be persisted, then read it back through the provider, as a resuming silo would.
        var storage = fixture.Cluster.GetSiloServiceProvider(fixture.Cluster.Silos[0].SiloAddress).GetRequiredKeyedService<IGrainStorage>(GrainStorage.Checkpoints);
        var index = new GrainState<JobCheckpointState>(new JobCheckpointState());
        var link = new GrainState<JobCheckpointLink>(new JobCheckpointLink());
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        byte[]? payload;
        while (true)
        {
            // The chain's base: its links are states of their own, named by the index's generation (a new base may replace it meanwhile).
            await storage.ReadStateAsync("checkpoint", job.GetGrainId(), index);
            if (index.State is { Links: > 0 })
            {
                await storage.ReadStateAsync($"checkpoint-{index.State.Generation:x16}-0", job.GetGrainId(), link);
                if ((payload = link.State?.Payload) is { Length: > 0 }) break;
            }
            Assert.True(DateTime.UtcNow < until, "no checkpoint was persisted");
            await Task.Delay(50);
        }
        await job.CancelAsync();

        var checkpoint = SearchCheckpoint.Read(payload);
        output.WriteLine($"{algorithm}: round {checkpoint.Round}, {payload.Length / 1e6:F1} MB");
        Assert.True(checkpoint.IsBase);
        if (index.State.Links == 1) Assert.Equal(index.State.Round, checkpoint.Round);
        // Every kept trajectory's state is in it (784 floats each), far past an Azure Table entity's 1 MB.
        Assert.True(payload.Length > keptStates * 784 * 4, $"{payload.Length} bytes for {keptStates} states");
        var status = await Jobs.FinishedAsync(job);
        Assert.Equal(JobStatus.Cancelled, status.Status);

        // An ended job resumes nothing: its chain's links and index are deleted from the store.
        var generation = index.State.Generation;
        for (until = DateTime.UtcNow + TimeSpan.FromSeconds(20); ; await Task.Delay(50))
        {
            await storage.ReadStateAsync("checkpoint", job.GetGrainId(), index);
            if (index.RecordExists) generation = index.State.Generation; // the last chain the index named
            await storage.ReadStateAsync($"checkpoint-{generation:x16}-0", job.GetGrainId(), link);
            if (!index.RecordExists && !link.RecordExists) break;
            Assert.True(DateTime.UtcNow < until, "the ended job's checkpoint is still stored");
        }
    }

}
