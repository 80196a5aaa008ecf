using GenerationPlatform.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace GenerationPlatform.Grains.Tests;

/// <summary>
/// Two in-process silos, both declaring the accelerator, with grain state and reminders in tables
/// outside the silos (<see cref="SharedGrainStorage"/>, <see cref="SharedReminderTable"/>) and job
/// reminders every second: a cluster in which a silo can die. The first silo is never stopped.
/// </summary>
public sealed class TwoSiloClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;
    public InProcessSiloHandle Primary { get; private set; } = null!;

    /// <summary>A second silo, for a test to stop: the one still running, else a new one.</summary>
    public async Task<InProcessSiloHandle> SecondSiloAsync() =>
        Cluster.GetActiveSilos().FirstOrDefault(s => s != Primary) ?? await Cluster.StartAdditionalSiloAsync();

    /// <summary>The job's state as persisted (read from the shared table, without activating the grain).</summary>
    public SearchJobState? PersistedJob(ISearchGrain job) =>
        SharedGrainStorage.Read<SearchJobState>(Cluster.GetSiloServiceProvider(Primary.SiloAddress).GetRequiredService<Serializer>(), "job", job.GetGrainId());

    /// <summary>The job's checkpoint as persisted; null when none is stored.</summary>
    public JobCheckpointState? PersistedCheckpoint(ISearchGrain job) =>
        SharedGrainStorage.Read<JobCheckpointState>(Cluster.GetSiloServiceProvider(Primary.SiloAddress).GetRequiredService<Serializer>(), "checkpoint", job.GetGrainId());

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(ClusterFixture.Configuration)
        {
            ["GenerationPlatform:Jobs:ResumeCheckPeriod"] = "00:00:01",
        }));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (services, _) => new SharedGrainStorage(services.GetRequiredService<Serializer>()));
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Checkpoints, (services, _) => new SharedGrainStorage(services.GetRequiredService<Serializer>()));
            silo.AddReminders();
            silo.Services.AddSingleton<IReminderTable, SharedReminderTable>();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            ClusterFixture.AddAnalyticPlatform(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Primary = Cluster.Silos[0];
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Waits for a job to finish.</summary>
    public Task<JobSnapshot> WaitAsync(ISearchGrain job, TimeSpan? timeout = null) => Jobs.FinishedAsync(job, timeout);
}

[CollectionDefinition(Name)]
public sealed class TwoSiloClusterCollection : ICollectionFixture<TwoSiloClusterFixture>
{
    public const string Name = "two-silo cluster";
}
