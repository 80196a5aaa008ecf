using GenerationPlatform.Diffusion.LibTorch;
using GenerationPlatform.Configuration;
using GenerationPlatform.Contracts;
using Azure.Storage.Blobs;
using Azure.Data.Tables;
using GenerationPlatform.Api;
using GenerationPlatform.Grains;
using GenerationPlatform.Storage;
using GenerationPlatform.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Dashboard;
using Orleans.Runtime.MembershipService.SiloMetadata;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace GenerationPlatform.Silo;

/// <summary>
/// The one host of the platform, used by <c>genplat serve</c> and by the silo executable (genplat-silo) the images run: an Orleans
/// silo and, co-hosted, Kestrel with gRPC on an HTTP/2-only (h2c) port, health endpoints on a
/// separate HTTP/1.1 port and, when configured, HTTP/JSON on a third (HTTP/1.1). Configuration: appsettings.json, environment (GenerationPlatform__...),
/// command line, then <c>overrides</c>. docs/API.md lists every key.
/// </summary>
public static class PlatformHost
{
    public const string LivePath = "/healthz/live", ReadyPath = "/healthz/ready";

    /// <summary>The configured builder; callers may still add services (tests: the analytic providers) before <see cref="Build"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        var config = builder.Configuration;
        // A mounted Secret, last: it is where operators keep what they rotate.
        if (config[$"{PlatformHostOptions.Section}:{nameof(PlatformHostOptions.SecretsFolder)}"] is { Length: > 0 } secrets) AddSecretsFolder(config, secrets);

        // What the host is built from is checked now (the same way as every other options, ValidatedOptions), naming the key.
        var host = config.BindValidated<PlatformHostOptions>(PlatformHostOptions.Section, o => o.Problems());
        var cluster = config.BindValidated<PlatformClusterOptions>(PlatformClusterOptions.Section, o => o.Problems(host.IsCluster));
        var declaration = config.BindValidated<SiloDeclarationOptions>(SiloDeclarationOptions.Section, o => o.Problems());
        // The libtorch under TorchSharp, chosen before any network or verifier makes a tensor (a folder is symbol-checked first).
        builder.Services.AddSingleton(LoadLibTorch(config));
        // Silo-to-silo TLS: the certificate is read and checked now, so a bad setting stops the start naming its key.
        var tls = config.BindValidated<ClusterTlsOptions>(ClusterTlsOptions.Section, _ => []).Load(DateTimeOffset.UtcNow);
        // Port 0 resolves here, once, so that the endpoints printed, mapped and bound agree.
        var address = host.Address;
        int grpcPort = host.GrpcPort == 0 ? PlatformHostOptions.FreePort(address) : host.GrpcPort;
        int httpPort = host.HttpPort == 0 ? PlatformHostOptions.FreePort(address) : host.HttpPort;
        int? jsonPort = host.JsonPort == 0 ? PlatformHostOptions.FreePort(address) : host.JsonPort;
        builder.Services.AddSingleton(new ResolvedPorts(grpcPort, httpPort, jsonPort));

        // Job ids are signed with one key on every silo (JobIds): configured, or derived from the secret all silos share.
        string jobIdKey = host.IsCluster ? DerivedJobIdKey(cluster.ConnectionString!) : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        builder.Services.PostConfigure<JobIdOptions>(o => o.Key = o.Key.Length > 0 ? o.Key : jobIdKey);
        var dashboard = config.BindValidated<PlatformDashboardOptions>(PlatformDashboardOptions.Section, o => o.Problems());
        builder.Services.AddSingleton(dashboard);
        builder.Services.AddSingleton(config.BindValidated<WebConsoleOptions>(WebConsoleOptions.Section, _ => []));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = host.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, grpcPort, o => o.Protocols = HttpProtocols.Http2);
            kestrel.Listen(address, httpPort, o => o.Protocols = HttpProtocols.Http1);
            // HTTP/JSON: HTTP/1.1 only (cleartext HTTP/2 needs prior knowledge, which an Http1AndHttp2 endpoint does not offer).
            if (jsonPort is { } json) kestrel.Listen(address, json, o => o.Protocols = HttpProtocols.Http1);
            // A client that vanished without closing its connection stops holding its Watch streams within a minute.
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        });

        builder.UseOrleans(silo =>
        {
            if (host.IsCluster)
            {
                var tables = new TableServiceClient(cluster.ConnectionString);
                silo.UseAzureStorageClustering(o => o.TableServiceClient = tables);
                // A deleted job's state is deleted, not left behind as an empty row.
                silo.AddAzureTableGrainStorage(GrainStorage.Name, o => (o.TableServiceClient, o.DeleteStateOnClear) = (tables, true));
                // Checkpoints run to megabytes for the largest admissible jobs: blobs, in the same storage account.
                silo.AddAzureBlobGrainStorage(GrainStorage.Checkpoints, o =>
                {
                    o.BlobServiceClient = new BlobServiceClient(cluster.ConnectionString);
                    o.ContainerName = "genplat-checkpoints";
                    o.DeleteStateOnClear = true; // an ended job keeps no checkpoint, not even an empty blob
                });
                // Tenants' job listings: a partition per tenant (TableJobIndex), in the same storage account.
                silo.Services.AddSingleton<IJobIndex>(new TableJobIndex(new TableServiceClient(cluster.ConnectionString, TableJobIndex.ClientOptions())));
                silo.UseAzureTableReminderService(o => o.TableServiceClient = tables);
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
                silo.Configure<EndpointOptions>(o =>
                {
                    if (cluster.AdvertisedIp is { Length: > 0 } ip) o.AdvertisedIPAddress = IPAddress.Parse(ip);
                    o.SiloPort = cluster.SiloPort;
                    // 0 (the default): no gateway at all; the API is in this process and calls grains directly.
                    o.GatewayPort = cluster.GatewayPort;
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, cluster.SiloPort);
                    o.GatewayListeningEndpoint = cluster.GatewayPort == 0 ? null : new IPEndPoint(IPAddress.Any, cluster.GatewayPort);
                });
                // How fast a dead silo is detected (probe timeout, missed probes, votes): Orleans' defaults unless set.
                silo.Services.Configure<ClusterMembershipOptions>(config.GetSection(PlatformClusterOptions.MembershipSection));
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
                silo.AddMemoryGrainStorage(GrainStorage.Name);
                silo.AddMemoryGrainStorage(GrainStorage.Checkpoints);
                silo.UseInMemoryReminderService();
                silo.Services.AddSingleton<IJobIndex, MemoryJobIndex>();
            }
            // Mutual TLS on the silo port (and on the gateway, if one is configured), in either mode.
            if (tls is not null) silo.UseTls(tls.Certificate, tls.Configure);
            var metadata = declaration.ServesModels
                ? SiloCapabilities.Declare(declaration.Accelerator.Trim().ToLowerInvariant(),
                    declaration.Models.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                : new Dictionary<string, string>();
            metadata[SiloCapabilities.HostsJobs] = declaration.HostsJobs ? "true" : "false";
            silo.UseSiloMetadata(metadata);
            silo.AddGenerationPlatformGrains();
            silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, (_, _) => new MembershipClock());
            // The trace of a request continues through grain calls.
            silo.AddActivityPropagation();
            if (dashboard.Enabled) silo.AddDashboard();
        });

        // This silo loads the networks of the models it hosts only (every configured one for "*", none for accelerator none).
        builder.Services.PostConfigure<ModelOptions>(o => o.Load = !declaration.ServesModels ? []
            : declaration.Models.Trim() == "*" ? null
            : declaration.Models.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        builder.Services.AddResultStore(config);
        builder.Services.AddGenerationApi();
        if (jsonPort is not null) builder.Services.AddGenerationHttpJson();
        // Not ready before the served models are warm: a tenant's first job does not pay their load and batch-cap measurement.
        builder.Services.AddHealthChecks().AddCheck<ModelWarmupHealthCheck>("models");
        // Not an error line per probe while the models warm: the probe's answer is the record, and the warm-up logs its own progress.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);
        builder.Services.AddPlatformTelemetry(config, $"{Environment.MachineName}:{grpcPort}");
        return builder;
    }

    /// <summary>
    /// The application with its endpoints mapped: gRPC services only on the gRPC port, HTTP/JSON routes and their
    /// OpenAPI document only on the JSON port, health, metrics and the dashboard only on the HTTP port, told apart by
    /// the port a connection arrived on (whatever its Host or :authority says: an ingress, a port-forward or a proxy
    /// names other hosts and ports).
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        var ports = app.Services.GetRequiredService<ResolvedPorts>();
        app.UseGrpcRequestFrameCheck();
        app.UseHttpJsonRequestCheck();
        app.UseMiddleware<DashboardAuthentication>();
        app.MapGenerationApi(ports.Grpc, ports.Json);
        // The tenant console, beside the JSON API it calls (same origin: no CORS), never on the health and metrics port.
        if (ports.Json is { } json && app.Services.GetRequiredService<WebConsoleOptions>().Enabled) app.MapWebConsole().RequireLocalPort(json);
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).RequireLocalPort(ports.Http);
        app.MapHealthChecks(ReadyPath).RequireLocalPort(ports.Http);
        app.MapPlatformMetrics(ports.Http);
        if (app.Services.GetRequiredService<PlatformDashboardOptions>().Enabled)
            app.MapOrleansDashboard(PlatformDashboardOptions.Path).RequireLocalPort(ports.Http).WithMetadata(DashboardEndpoint.Instance);
        return app;
    }

    /// <summary>
    /// Key-per-file configuration from <paramref name="folder"/>, reloaded on change. Polled, not watched: a Secret volume
    /// changes by swapping a hidden symbolic link (<c>..data</c>), which a file watcher of the folder's own files never reports.
    /// </summary>
    private static void AddSecretsFolder(ConfigurationManager config, string folder)
    {
        var key = $"{PlatformHostOptions.Section}:{nameof(PlatformHostOptions.SecretsFolder)}";
        if (!Directory.Exists(folder)) throw new HostConfigurationException($"{key} ('{folder}'): no such folder");
        config.AddKeyPerFile(source =>
        {
            source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(folder))
            {
                UsePollingFileWatcher = true,
                UseActivePolling = true,
            };
            source.Optional = false;
            source.ReloadOnChange = true;
        });
    }

    private static LibTorchInfo LoadLibTorch(IConfiguration config)
    {
        var key = $"{ModelOptions.Section}:{nameof(ModelOptions.LibTorch)}";
        try { return LibTorchRuntime.Load(config[key]); }
        catch (LibTorchLoadException e) { throw new HostConfigurationException($"{key}: {e.Message}"); }
    }

    /// <summary>The job-id key a cluster derives from its storage connection string (every silo has it, and no tenant does).</summary>
    private static string DerivedJobIdKey(string connectionString) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(connectionString), "genplat.job-ids"u8));

    /// <summary>Builds the application from <paramref name="builder"/> and starts it; an application that fails to start is disposed.</summary>
    public static async Task<WebApplication> StartAsync(WebApplicationBuilder builder, CancellationToken cancellationToken)
    {
        var app = Build(builder);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>Waits until the silo's models are warm, as its readiness probe does (at once where it serves none), and says what the warm-up did.</summary>
    public static Task<ModelWarmupReport> WaitUntilWarmAsync(WebApplication app, CancellationToken cancellationToken) =>
        app.Services.GetRequiredService<ModelWarmup>().Completion.WaitAsync(cancellationToken);

    /// <summary>Where the host listens (valid once built).</summary>
    public static PlatformEndpoints Endpoints(WebApplication app)
    {
        var ports = app.Services.GetRequiredService<ResolvedPorts>();
        var host = app.Configuration.BindValidated<PlatformHostOptions>(PlatformHostOptions.Section, o => o.Problems());
        var shown = host.Address.Equals(IPAddress.Any) ? "0.0.0.0" : host.Address.ToString();
        return new PlatformEndpoints($"http://{shown}:{ports.Grpc}", $"http://{shown}:{ports.Http}", host.IsCluster ? PlatformHostOptions.Cluster : PlatformHostOptions.Embedded)
        {
            Json = ports.Json is { } json ? $"http://{shown}:{json}" : null,
        };
    }

    internal sealed record ResolvedPorts(int Grpc, int Http, int? Json);
}
