using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

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

    /// <summary>
    /// HTTP/1.1 without TLS: GenerationService as HTTP/JSON (gRPC JSON transcoding) and its OpenAPI document. Unset (the
    /// default): not served. 0: a free port. A port of its own: Kestrel cannot serve HTTP/1.1 and prior-knowledge HTTP/2 on
    /// one cleartext port (such an endpoint falls back to HTTP/1.1 only, which would break the gRPC clients), and the
    /// HTTP port carries no tenant traffic.
    /// </summary>
    public int? JsonPort { get; set; }

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
        : JsonPort is < 0 or > 65535 ? $"{Section}:JsonPort must be 0-65535, or unset (got {JsonPort})"
        : JsonPort is { } json && json != 0 && (json == GrpcPort || json == HttpPort)
            ? $"{Section}:JsonPort ({json}) must differ from {Section}:GrpcPort ({GrpcPort}) and {Section}:HttpPort ({HttpPort})"
        : ShutdownTimeout <= TimeSpan.Zero ? $"{Section}:ShutdownTimeout must be positive (got {ShutdownTimeout})"
        : null;

    /// <summary>
    /// A port free now (for port 0; the host binds it right after). Drawn at random below the OS's ephemeral range
    /// (32768 and up on Linux), where outgoing connections take their local ports: a port the OS hands out for
    /// port 0 is also the next candidate for the next outgoing connection, which could take it before the host binds.
    /// </summary>
    public static int FreePort(IPAddress address)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var probe = new TcpListener(address, port);
                probe.Start();
                return port;
            }
            catch (SocketException) { } // taken: draw again
        }
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

    /// <summary>
    /// Whether search jobs (and the verifier work they bring) may be placed here. False makes a dedicated
    /// denoiser silo: its cores go to the model alone. At least one silo of a cluster must host jobs.
    /// </summary>
    public bool HostsJobs { get; set; } = true;

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

/// <summary>
/// Mutual TLS on the silo-to-silo port (section GenerationPlatform:Cluster:Tls), through
/// Microsoft.Orleans.Connections.Security. Every silo presents the certificate at <see cref="CertificatePath"/>
/// (PEM, with its private key at <see cref="KeyPath"/> or in the same file) and requires one from every peer, in
/// both directions: with <see cref="CaPath"/>, any certificate issued by those CAs; without it, exactly its own
/// certificate (one certificate shared by the cluster, e.g. one Kubernetes TLS Secret mounted in every pod).
/// Silos reach each other by IP address, so host names are not checked: the trust anchor is the identity.
/// The files are read once, at start (a rotated certificate takes effect when the silo restarts).
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = PlatformClusterOptions.Section + ":Tls";

    /// <summary>Whether the silo port speaks (mutual) TLS; every silo of a cluster must agree.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file with this silo's certificate (first) and any intermediates; Kubernetes TLS Secrets call it <c>tls.crt</c>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file with the certificate's private key (<c>tls.key</c>); empty: the key is in <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM file with the CA certificates that issue the silos' certificates (<c>ca.crt</c>); empty: peers must present this silo's own certificate.</summary>
    public string? CaPath { get; set; }

    /// <summary>
    /// The certificate and trust anchors, read and checked, or null when TLS is off. A setting that cannot work
    /// (a missing file, no certificate or key in it, a key of another certificate, a certificate that is not valid
    /// at <paramref name="now"/> or not usable for both client and server authentication, a CA that did not issue
    /// it) throws <see cref="HostConfigurationException"/> naming the key.
    /// </summary>
    public ClusterTls? Load(DateTimeOffset now)
    {
        if (!Enabled)
        {
            if (Set(CertificatePath) || Set(KeyPath) || Set(CaPath))
                throw new HostConfigurationException($"{Section}:Enabled is false but {Section}:CertificatePath, KeyPath or CaPath is set: set {Section}:Enabled to true, or remove the paths");
            return null;
        }
        if (!Set(CertificatePath)) throw new HostConfigurationException($"{Section}:CertificatePath is required when {Section}:Enabled is true");
        var certificateText = Read(CertificatePath!, "CertificatePath");
        var chain = new X509Certificate2Collection();
        try { chain.ImportFromPem(certificateText); }
        catch (CryptographicException e) { throw Bad("CertificatePath", CertificatePath!, $"it holds no readable PEM certificate ({e.Message})"); }
        if (chain.Count == 0) throw Bad("CertificatePath", CertificatePath!, "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");

        var (keyName, keyPath) = Set(KeyPath) ? ("KeyPath", KeyPath!) : ("CertificatePath", CertificatePath!);
        var keyText = Set(KeyPath) ? Read(KeyPath!, "KeyPath") : certificateText;
        X509Certificate2 certificate;
        try { certificate = X509Certificate2.CreateFromPem(certificateText, keyText); }
        catch (Exception e) when (e is CryptographicException or ArgumentException) { throw Bad(keyName, keyPath, $"no private key of the certificate at {Section}:CertificatePath could be read from it ({e.Message})"); }

        if (now < certificate.NotBefore || now > certificate.NotAfter)
            throw Bad("CertificatePath", CertificatePath!, $"the certificate is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}, not now ({now:u})");
        if (!AllowsBothAuthentications(certificate))
            throw Bad("CertificatePath", CertificatePath!, $"the certificate's extended key usage must allow both server ({ServerAuthentication}) and client ({ClientAuthentication}) authentication: every silo is both");

        X509Certificate2Collection? authorities = null;
        if (Set(CaPath))
        {
            authorities = [];
            try { authorities.ImportFromPem(Read(CaPath!, "CaPath")); }
            catch (CryptographicException e) { throw Bad("CaPath", CaPath!, $"it holds no readable PEM certificate ({e.Message})"); }
            if (authorities.Count == 0) throw Bad("CaPath", CaPath!, "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        var tls = new ClusterTls(certificate, authorities, [.. chain.Skip(1)]);
        if (authorities is not null && !tls.Accepts(certificate, now.UtcDateTime, out var why))
            throw Bad("CaPath", CaPath!, $"these CAs did not issue the certificate at {Section}:CertificatePath ({why}), so peers would refuse this silo");
        return tls;
    }

    internal const string ServerAuthentication = "1.3.6.1.5.5.7.3.1", ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>No extended key usage extension means any usage; one that is there must list both.</summary>
    private static bool AllowsBothAuthentications(X509Certificate2 certificate)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        if (usages.Count == 0) return true;
        var oids = usages.SelectMany(u => u.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
        return oids.Contains(ServerAuthentication) && oids.Contains(ClientAuthentication);
    }

    private static bool Set(string? path) => !string.IsNullOrWhiteSpace(path);

    private static string Read(string path, string key)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Bad(key, path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message);
        }
    }

    private static HostConfigurationException Bad(string key, string path, string why) => new($"{Section}:{key} ('{path}'): {why}");
}

/// <summary>A loaded silo certificate and what a peer must present (<see cref="ClusterTlsOptions"/>).</summary>
public sealed class ClusterTls
{
    private readonly X509Certificate2Collection? authorities;
    private readonly X509Certificate2Collection intermediates;

    internal ClusterTls(X509Certificate2 certificate, X509Certificate2Collection? authorities, X509Certificate2Collection intermediates)
    {
        Certificate = certificate;
        this.authorities = authorities;
        this.intermediates = intermediates;
    }

    /// <summary>This silo's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Whether peers are checked against CAs (else they must present <see cref="Certificate"/> itself).</summary>
    public bool ChecksIssuer => authorities is not null;

    /// <summary>Mutual TLS on the silo port, both ways: a silo sends its certificate when it connects and requires the peer's when it accepts.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Replaces the platform's validation (system roots and host names, which mean nothing between pod IPs) with ours.
        options.RemoteCertificateValidation = (peer, _, _) => Accepts(peer, DateTime.UtcNow, out _);
    }

    /// <summary>Whether a peer presenting <paramref name="peer"/> is a silo of this cluster.</summary>
    public bool Accepts(X509Certificate2 peer, DateTime utcNow, out string why)
    {
        if (authorities is null)
        {
            var same = peer.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);
            var current = utcNow >= peer.NotBefore.ToUniversalTime() && utcNow <= peer.NotAfter.ToUniversalTime();
            why = !same ? $"not the cluster's certificate (thumbprint {peer.Thumbprint})" : !current ? "expired or not yet valid" : "";
            return same && current;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = utcNow;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        var built = chain.Build(peer);
        why = built ? "" : string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        return built;
    }
}
