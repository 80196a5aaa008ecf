using GenerationPlatform.Testing;
using GenerationPlatform.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;

namespace GenerationPlatform.Grains.Tests;

/// <summary>One in-process silo with in-memory grain state and the analytic stand-ins, shared by every test.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    public static readonly Dictionary<string, string?> Configuration = new()
    {
        ["GenerationPlatform:Denoiser:MaxBatch"] = "64",
        ["GenerationPlatform:Denoiser:MaxWait"] = "00:00:00.002",
        ["GenerationPlatform:Verifier:MaxBatch"] = "64",
        ["GenerationPlatform:Verifier:MaxDelay"] = "00:00:00.005",
        ["GenerationPlatform:Verifier:MaxQueuedImagesPerOwner"] = "12000",
        ["GenerationPlatform:Tenants:Default:MaxConcurrentJobs"] = "100",
        ["GenerationPlatform:Tenants:Default:NfePerMinute"] = "100000000",
        ["GenerationPlatform:Tenants:Default:NfePerDay"] = "1000000000",
        ["GenerationPlatform:Tenants:Default:MaxBudgetPerRequest"] = "1000000",
        ["GenerationPlatform:Tenants:ReconcileAfter"] = "00:00:01",
        ["GenerationPlatform:Tenants:Quotas:leaky:MaxConcurrentJobs"] = "3",
        ["GenerationPlatform:Tenants:Quotas:solo:MaxConcurrentJobs"] = "1",
        ["GenerationPlatform:Tenants:Quotas:solo:MaxBudgetPerRequest"] = "1000000",
        ["GenerationPlatform:Tenants:Quotas:minute:NfePerMinute"] = "500",
        ["GenerationPlatform:Tenants:Quotas:small:MaxBudgetPerRequest"] = "100",
        ["GenerationPlatform:Tenants:Quotas:small-refusal:MaxBudgetPerRequest"] = "100",
        ["GenerationPlatform:Tenants:Quotas:solo-refusal:MaxConcurrentJobs"] = "1",
        ["GenerationPlatform:Tenants:Quotas:solo-refusal:MaxBudgetPerRequest"] = "1000000",
    };

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(Configuration));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.AddMemoryGrainStorage(GrainStorage.Checkpoints);
            silo.UseInMemoryReminderService();
            ClusterFixture.AddAnalyticPlatform(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The platform's grains on a silo that serves every model (cpu) with the analytic field and verifiers: every fixture's silo.</summary>
    public static void AddAnalyticPlatform(ISiloBuilder silo)
    {
        silo.UseSiloMetadata(SiloCapabilities.Declare("cpu", "*"));
        silo.Services.AddSingleton<IVelocityFieldProvider, AnalyticFields>();
        silo.Services.AddSingleton<IVerifierProvider, AnalyticVerifiers>();
        silo.AddGenerationPlatformGrains();
    }

    /// <summary>Waits for a job to finish.</summary>
    public Task<JobSnapshot> WaitAsync(ISearchGrain job, TimeSpan? timeout = null) => Jobs.FinishedAsync(job, timeout);

    /// <summary>Waits until a job has logged at least <paramref name="count"/> events.</summary>
    public Task WaitForEventsAsync(ISearchGrain job, int count) =>
        Eventually.UntilAsync(() => job.GetStatusAsync(), s => s.EventCount >= count, TimeSpan.FromSeconds(30), $"job {job.GetPrimaryKeyString()} logs {count} events",
            TimeSpan.FromMilliseconds(5));
}

/// <summary>Waiting on jobs, for every fixture.</summary>
public static class Jobs
{
    /// <summary>The job's status once it has finished.</summary>
    public static Task<JobSnapshot> FinishedAsync(ISearchGrain job, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => job.GetStatusAsync(), s => s.IsFinished, timeout ?? TimeSpan.FromSeconds(30), $"job {job.GetPrimaryKeyString()} finishes",
            TimeSpan.FromMilliseconds(10));
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
