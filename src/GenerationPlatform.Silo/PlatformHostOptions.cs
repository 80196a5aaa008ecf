using System.Net;
using System.Net.Sockets;

namespace GenerationPlatform.Silo;

/// <summary>A host configuration that cannot start, with the key to fix in the message.</summary>
public sealed class HostConfigurationException(string message) : Exception(message);

/// <summary>How this process runs and where it listens (section GenerationPlatform:Host).</summary>
public sealed class PlatformHostOptions
{
    public const string Section = "GenerationPlatform:Host";
    public const string Embedded = "embedded", Cluster = "cluster";

    /// <summary><c>embedded</c>: one silo, localhost clustering, in-memory state; <c>cluster</c>: Azure Table clustering, state and reminders.</summary>
    public string Mode { get; set; } = Embedded;

    /// <summary>The address Kestrel binds; default 127.0.0.1 embedded, 0.0.0.0 in a cluster.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>gRPC, HTTP/2 only without TLS (h2c). 0: a free port.</summary>
    public int GrpcPort { get; set; } = 5080;

    /// <summary>HTTP/1.1: health endpoints (and /metrics once telemetry lands). 0: a free port.</summary>
    public int HttpPort { get; set; } = 5081;

    /// <summary>How long a stopping host waits for Orleans to hand over grains and for calls to finish (Kubernetes' grace period must be longer).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public bool IsCluster => string.Equals(Mode?.Trim(), Cluster, StringComparison.OrdinalIgnoreCase);

    public IPAddress Address => ListenAddress is { Length: > 0 } a ? IPAddress.Parse(a) : IsCluster ? IPAddress.Any : IPAddress.Loopback;

    public string? Problem() =>
        !string.Equals(Mode?.Trim(), Embedded, StringComparison.OrdinalIgnoreCase) && !IsCluster ? $"{Section}:Mode must be '{Embedded}' or '{Cluster}' (got '{Mode}')"
        : ListenAddress is { Length: > 0 } a && !IPAddress.TryParse(a, out _) ? $"{Section}:ListenAddress must be an IP address (got '{a}')"
        : GrpcPort is < 0 or > 65535 ? $"{Section}:GrpcPort must be 0-65535 (got {GrpcPort})"
        : HttpPort is < 0 or > 65535 ? $"{Section}:HttpPort must be 0-65535 (got {HttpPort})"
        : GrpcPort != 0 && GrpcPort == HttpPort ? $"{Section}:GrpcPort and {Section}:HttpPort must differ (both {GrpcPort})"
        : ShutdownTimeout <= TimeSpan.Zero ? $"{Section}:ShutdownTimeout must be positive (got {ShutdownTimeout})"
        : null;

    /// <summary>A port the OS says is free now (for port 0; the host binds it right after).</summary>
    public static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The Orleans cluster this silo joins (section GenerationPlatform:Cluster).</summary>
public sealed class PlatformClusterOptions
{
    public const string Section = "GenerationPlatform:Cluster";

    /// <summary>
    /// Orleans <c>ClusterMembershipOptions</c> by property name, e.g. <c>GenerationPlatform:Cluster:Membership:ProbeTimeout</c>
    /// (00:00:05), <c>NumMissedProbesLimit</c> (3), <c>NumVotesForDeathDeclaration</c> (2): how soon a dead silo is declared dead.
    /// </summary>
    public const string MembershipSection = Section + ":Membership";

    /// <summary>Orleans ClusterId: silos with the same id form one cluster (a deployment).</summary>
    public string ClusterId { get; set; } = "genplat";

    /// <summary>Orleans ServiceId: stable across deployments; keys grain state and reminders.</summary>
    public string ServiceId { get; set; } = "genplat";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The IP other silos reach this one at (Kubernetes: the pod IP from the downward API); default: the host's first address.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>Azure Storage (or Azurite) connection string for clustering, grain state and reminders; required in cluster mode.</summary>
    public string? ConnectionString { get; set; }

    public string? Problem(bool cluster) =>
        string.IsNullOrWhiteSpace(ClusterId) ? $"{Section}:ClusterId is required"
        : string.IsNullOrWhiteSpace(ServiceId) ? $"{Section}:ServiceId is required"
        : SiloPort is < 1 or > 65535 ? $"{Section}:SiloPort must be 1-65535 (got {SiloPort})"
        : GatewayPort is < 0 or > 65535 ? $"{Section}:GatewayPort must be 0-65535 (got {GatewayPort})"
        : GatewayPort == SiloPort ? $"{Section}:SiloPort and {Section}:GatewayPort must differ"
        : AdvertisedIp is { Length: > 0 } ip && !IPAddress.TryParse(ip, out _) ? $"{Section}:AdvertisedIp must be an IP address (got '{ip}')"
        : cluster && string.IsNullOrWhiteSpace(ConnectionString) ? $"{Section}:ConnectionString is required when {PlatformHostOptions.Section}:Mode is 'cluster'"
        : null;
}

/// <summary>What this silo declares in its silo metadata (section GenerationPlatform:Silo): denoisers go only where a model and an accelerator are declared.</summary>
public sealed class SiloDeclarationOptions
{
    public const string Section = "GenerationPlatform:Silo";

    /// <summary><c>cuda</c>, <c>cpu</c> (CPU silos that serve models: the embedded default) or <c>none</c> (serves no model).</summary>
    public string Accelerator { get; set; } = "cpu";

    /// <summary>Comma-separated model names this silo serves, or <c>*</c> for every configured model.</summary>
    public string Models { get; set; } = "*";

    public bool ServesModels => !string.Equals(Accelerator?.Trim(), "none", StringComparison.OrdinalIgnoreCase);

    public string? Problem() =>
        Accelerator?.Trim().ToLowerInvariant() is not ("cuda" or "cpu" or "none") ? $"{Section}:Accelerator must be 'cuda', 'cpu' or 'none' (got '{Accelerator}')"
        : ServesModels && string.IsNullOrWhiteSpace(Models) ? $"{Section}:Models must list models or be '*'"
        : null;
}

/// <summary>The Orleans dashboard (section GenerationPlatform:Dashboard), served at /dashboard on the HTTP port when enabled.</summary>
public sealed class PlatformDashboardOptions
{
    public const string Section = "GenerationPlatform:Dashboard";
    public const string Path = "/dashboard";

    public bool Enabled { get; set; }
}
