using System.Net;

namespace GenerationPlatform.Silo;

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

    /// <summary>
    /// Orleans client gateway port; 0 (the default): no gateway. The gRPC API runs in the silo's own process and
    /// needs none; an open gateway would let any Orleans client that reaches the port call grains directly,
    /// past every check of the API. Set a port only for an external Orleans client (the cluster tests' probe).
    /// </summary>
    public int GatewayPort { get; set; }

    /// <summary>The IP other silos reach this one at (Kubernetes: the pod IP from the downward API); default: the host's first address.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>Azure Storage (or Azurite) connection string for clustering, grain state and reminders; required in cluster mode.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>What is wrong with these options in this host's mode (<paramref name="cluster"/>), naming the key; empty when nothing is.</summary>
    public IEnumerable<string> Problems(bool cluster) => Problem(cluster) is { } problem ? [problem] : [];

    private string? Problem(bool cluster) =>
        string.IsNullOrWhiteSpace(ClusterId) ? $"{Section}:ClusterId is required"
        : string.IsNullOrWhiteSpace(ServiceId) ? $"{Section}:ServiceId is required"
        : SiloPort is < 1 or > 65535 ? $"{Section}:SiloPort must be 1-65535 (got {SiloPort})"
        : GatewayPort is < 0 or > 65535 ? $"{Section}:GatewayPort must be 0-65535 (got {GatewayPort})"
        : GatewayPort == SiloPort ? $"{Section}:SiloPort and {Section}:GatewayPort must differ"
        : AdvertisedIp is { Length: > 0 } ip && !IPAddress.TryParse(ip, out _) ? $"{Section}:AdvertisedIp must be an IP address (got '{ip}')"
        : cluster && string.IsNullOrWhiteSpace(ConnectionString) ? $"{Section}:ConnectionString is required when {PlatformHostOptions.Section}:Mode is 'cluster'"
        : null;
}
