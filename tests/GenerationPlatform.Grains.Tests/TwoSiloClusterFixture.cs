using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace GenerationPlatform.Grains.Tests;

/// <summary>
/// Two in-process silos, both declaring the accelerator, with grain state in <see cref="SharedGrainStorage"/>
/// (outside the silos) and in-memory reminders checked every second: a cluster in which a silo can die.
/// </summary>
public sealed class TwoSiloClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

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
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.UseSiloMetadata(SiloCapabilities.Declare("cpu", "*"));
            silo.Services.AddSingleton<IVelocityFieldProvider, AnalyticFields>();
            silo.Services.AddSingleton<IVerifierProvider, AnalyticVerifiers>();
            silo.AddGenerationPlatformGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class TwoSiloClusterCollection : ICollectionFixture<TwoSiloClusterFixture>
{
    public const string Name = "two-silo cluster";
}
