using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using GenerationPlatform.Client;
using GenerationPlatform.LocalCluster;
using GenerationPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace GenerationPlatform.Cluster.Tests.Support;

/// <summary>What to start: how many silos, the tenants and their keys, and extra host configuration.</summary>
public sealed record ClusterSpec(int Silos, IReadOnlyDictionary<string, string> TenantKeys)
{
    /// <summary>More GenerationPlatform__... variables for every silo (they override the harness's defaults).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A real multi-process cluster on loopback: Azurite for Azure Table storage (Orleans clustering, grain state,
/// reminders), a second Azurite for the blob results (so a storage outage can hit the results alone), and N
/// silo executable processes (genplat-silo) in cluster mode with one ClusterId, each on its own free ports. Everything is
/// bounded in time; <see cref="Diagnostics"/> collects every process's output for failure messages.
/// </summary>
public sealed class PlatformCluster : IAsyncDisposable
{
    public const string Container = "results";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private readonly ChildProcesses children = new(); // never orphaned, even if the test host dies
    private readonly List<SiloProcess> silos = [];
    private readonly string workingDirectory = Directory.CreateTempSubdirectory("genplat-cluster-").FullName;
    private IHost? orleansClient;

    private PlatformCluster(ClusterSpec spec, AzuriteProcess tables, AzuriteProcess blobs)
    {
        Spec = spec;
        Tables = tables;
        Blobs = blobs;
    }

    public ClusterSpec Spec { get; }
    public string ClusterId { get; } = $"genplat-test-{Guid.NewGuid():N}"[..32];
    public AzuriteProcess Tables { get; }
    public AzuriteProcess Blobs { get; }
    public IReadOnlyList<SiloProcess> Silos => silos;
    public IEnumerable<SiloProcess> Running => silos.Where(s => s.IsRunning);

    /// <summary>The result container as a reader sees it.</summary>
    public BlobContainerClient ResultContainer => new BlobServiceClient(Blobs.ConnectionString).GetBlobContainerClient(Container);

    /// <summary>Starts the emulators and the silos, and returns once every silo is ready (or throws with their output).</summary>
    public static async Task<PlatformCluster> StartAsync(ClusterSpec spec, CancellationToken cancellationToken)
    {
        // The cluster account: tables (clustering, grain state, reminders) and blobs (job checkpoints), as an Azure storage account has both.
        var tables = await AzuriteProcess.StartAsync(AzuriteServices.Table | AzuriteServices.Blob, cancellationToken);
        AzuriteProcess? blobs = null;
        try
        {
            blobs = await AzuriteProcess.StartAsync(AzuriteServices.Blob, cancellationToken);
        }
        catch
        {
            tables.Dispose();
            throw;
        }
        var cluster = new PlatformCluster(spec, tables, blobs);
        try
        {
            for (int i = 0; i < spec.Silos; i++) cluster.silos.Add(cluster.StartSilo(i));
            for (int i = 0; i < spec.Silos; i++)
            {
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        await cluster.silos[i].WaitReadyAsync(ReadyTimeout, cancellationToken);
                        break;
                    }
                    catch (SiloExitedException) when (attempt < 3)
                    {
                        // A free port picked before the process started can be taken by then (another process's outgoing
                        // connection): start it again on fresh ports. Its output stays in the exception of a last attempt.
                        cluster.silos[i].Dispose();
                        cluster.silos[i] = cluster.StartSilo(i);
                    }
                }
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private SiloProcess StartSilo(int index) =>
        SiloProcess.Start(children, $"silo{index}", workingDirectory, SiloEnvironment(), FreePort(), FreePort(), FreePort(), FreePort());

    /// <summary>A gRPC client of <paramref name="silo"/> for <paramref name="tenant"/>.</summary>
    public GenerationPlatformClient Client(SiloProcess silo, string tenant) => new(silo.GrpcAddress, Spec.TenantKeys[tenant]);

    /// <summary>An Orleans client of this cluster (gateways found in the membership table), connected once.</summary>
    public async Task<IClusterClient> OrleansClientAsync(CancellationToken cancellationToken)
    {
        if (orleansClient is null)
        {
            var host = new HostBuilder()
                .UseOrleansClient(client =>
                {
                    client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(Tables.ConnectionString));
                    client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
                })
                .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .Build();
            await host.StartAsync(cancellationToken);
            orleansClient = host;
        }
        return orleansClient.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The silo whose Orleans silo port is <paramref name="siloPort"/>, or null.</summary>
    public SiloProcess? SiloAt(int siloPort) => silos.FirstOrDefault(s => s.SiloPort == siloPort);

    /// <summary>Every process's output (silos and emulators), for a failure message.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        foreach (var silo in silos)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"===== {silo.Name} (pid {silo.ProcessId}, grpc {silo.GrpcPort}, silo port {silo.SiloPort}, running {silo.IsRunning}) =====");
            text.AppendLine(Tail(silo.Output, 20_000));
        }
        text.AppendLine("===== azurite (tables) =====").AppendLine(Tail(Tables.Output, 4_000));
        text.AppendLine("===== azurite (blobs) =====").AppendLine(Tail(Blobs.Output, 4_000));
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (orleansClient is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await orleansClient.StopAsync(stop.Token); }
            catch (OperationCanceledException) { }
            orleansClient.Dispose();
        }
        // The cluster is thrown away with its storage: no graceful shutdown needed.
        foreach (var silo in silos) silo.Dispose();
        children.Dispose();
        Blobs.Dispose();
        Tables.Dispose();
        try { Directory.Delete(workingDirectory, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>The configuration every silo gets, as environment variables (the names the chart and compose use).</summary>
    private Dictionary<string, string> SiloEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GenerationPlatform__Host__Mode"] = "cluster",
            ["GenerationPlatform__Host__ListenAddress"] = "127.0.0.1",
            ["GenerationPlatform__Cluster__ClusterId"] = ClusterId,
            ["GenerationPlatform__Cluster__ServiceId"] = ClusterId,
            ["GenerationPlatform__Cluster__AdvertisedIp"] = "127.0.0.1",
            ["GenerationPlatform__Cluster__ConnectionString"] = Tables.ConnectionString,
            // A killed silo is declared dead after about 3 missed probes of 3 s (Orleans' defaults: 3 of 5 s). Not
            // shorter: on a loaded 2-core machine a busy but healthy silo must not be voted dead.
            ["GenerationPlatform__Cluster__Membership__ProbeTimeout"] = "00:00:03",
            ["GenerationPlatform__Cluster__Membership__NumMissedProbesLimit"] = "3",
            ["GenerationPlatform__Cluster__Membership__TableRefreshTimeout"] = "00:00:05",
            ["GenerationPlatform__Silo__Accelerator"] = "cpu",
            // A configured cap: a silo reports ready once its models are warm, and three silos measuring every model's cap at
            // once on two cores would outlast the readiness wait on a machine's first run.
            ["GenerationPlatform__Denoiser__MaxBatch"] = "16",
            ["GenerationPlatform__Results__Kind"] = "blob",
            ["GenerationPlatform__Results__ConnectionString"] = Blobs.ConnectionString,
            ["GenerationPlatform__Results__Container"] = Container,
            // An outage of ~10 s is retried through: short waits between attempts so the write lands soon after.
            ["GenerationPlatform__Results__Retry__InitialDelay"] = "00:00:00.200",
            ["GenerationPlatform__Results__Retry__MaxDelay"] = "00:00:01",
            ["GenerationPlatform__Results__Retry__AttemptTimeout"] = "00:00:05",
            ["GenerationPlatform__Results__Retry__TimeLimit"] = "00:01:30",
            ["GenerationPlatform__Results__Retry__MaxAttempts"] = "200",
            ["GenerationPlatform__Tenants__Default__MaxConcurrentJobs"] = "50",
            ["GenerationPlatform__Tenants__Default__NfePerMinute"] = "100000000",
            ["GenerationPlatform__Tenants__Default__NfePerDay"] = "1000000000",
            ["GenerationPlatform__Tenants__Default__MaxBudgetPerRequest"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (tenant, key) in Spec.TenantKeys)
            env[$"GenerationPlatform__Auth__Tenants__{tenant}__KeySha256__0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        foreach (var (key, value) in Spec.Environment) env[key] = value;
        return env;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    private static string Tail(string text, int chars) => text.Length <= chars ? text : "..." + text[^chars..];
}
