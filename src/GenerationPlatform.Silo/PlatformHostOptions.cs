using System.Net;
using System.Net.Sockets;

namespace GenerationPlatform.Silo;

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

    /// <summary>
    /// A folder of key-per-file configuration: each file a key (<c>__</c> for <c>:</c>, as environment names write it),
    /// its content the value, as a Kubernetes Secret mounted as a volume lays it out. Read after every other source, and
    /// followed while the host runs (polled every few seconds): what reads its options again (the API keys) sees a
    /// rotated Secret without a restart. Unset: none.
    /// </summary>
    public string? SecretsFolder { get; set; }

    /// <summary>How long a stopping host waits for Orleans to hand over grains and for calls to finish (Kubernetes' grace period must be longer).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public bool IsCluster => string.Equals(Mode?.Trim(), Cluster, StringComparison.OrdinalIgnoreCase);

    public IPAddress Address => ListenAddress is { Length: > 0 } a ? IPAddress.Parse(a) : IsCluster ? IPAddress.Any : IPAddress.Loopback;

    /// <summary>What is wrong with these options, naming the key; empty when nothing is.</summary>
    public IEnumerable<string> Problems() => Problem() is { } problem ? [problem] : [];

    private string? Problem() =>
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

    /// <summary>The ports <see cref="FreePort"/> gave this process.</summary>
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A port free now (for port 0; the host binds it right after). Drawn at random below the OS's ephemeral range
    /// (32768 and up on Linux), where outgoing connections take their local ports: a port the OS hands out for
    /// port 0 is also the next candidate for the next outgoing connection, which could take it before the host binds.
    /// Never one this process was given before (until most of the range has been): two draws for one host (its silo
    /// and gateway ports, or gRPC and HTTP) are free when drawn but not yet bound, so the probe alone cannot tell them apart.
    /// </summary>
    public static int FreePort(IPAddress address)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(20_000, 32_000);
            lock (Given)
            {
                if (Given.Contains(port)) continue;
            }
            try
            {
                using var probe = new TcpListener(address, port);
                probe.Start();
            }
            catch (SocketException) { continue; } // taken: draw again
            lock (Given)
            {
                if (Given.Count >= 8_000) Given.Clear(); // most of the range given: the earliest hosts are long gone
                if (!Given.Add(port)) continue;
            }
            return port;
        }
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
