using System.CommandLine;
using System.Globalization;
using GenerationPlatform.Api;
using GenerationPlatform.Silo;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat serve</c>'s options, checked: each becomes a configuration override of the host; what they leave unset
/// comes from appsettings.json and GenerationPlatform__... environment variables.
/// </summary>
internal sealed record ServeSettings(int? GrpcPort, int? HttpPort, int JsonPort, string? ListenAddress, string? ResultsFolder,
    IReadOnlyList<(string Tenant, string Key)> DevTenants)
{
    private static readonly Option<int?> port = new("--port") { Description = "gRPC port, HTTP/2 without TLS (default 5080; 0: a free port)" };
    private static readonly Option<int?> httpPort = new("--http-port")
    {
        Description = "HTTP/1.1 port of /healthz/live and /healthz/ready (default: --port + 1, or 5081; 0: a free port)",
    };
    private static readonly Option<int?> jsonPort = new("--json-port")
    {
        Description = "HTTP/1.1 port of the HTTP/JSON API (docs/API.md) (default: --port + 2, or 5082; 0: a free port)",
    };
    private static readonly Option<string?> listen = new("--listen") { Description = "address to bind (default 127.0.0.1 embedded, 0.0.0.0 in cluster mode)" };
    private static readonly Option<string[]> tenants = new("--dev-tenant")
    {
        Description = "tenant:key, repeatable: a tenant and its API key, for development (production configures key hashes)",
    };
    private static readonly Option<string?> results = new("--results") { Description = "folder of the local result store (default ./results)" };

    public static IReadOnlyList<Option> Options { get; } = [port, httpPort, jsonPort, listen, tenants, results];

    public static ServeSettings Parse(ParseResult p)
    {
        int? grpc = p.GetValue(port) is { } given ? PortNumber(given, "--port") : null;
        // Without --http-port the health port follows --port (a free one when --port is 0).
        int? http = p.GetValue(httpPort) is { } h ? PortNumber(h, "--http-port") : grpc is { } g ? (g == 0 ? 0 : PortNumber(g + 1, "--port + 1")) : null;
        // The embedded default serves HTTP/JSON too, so that curl (and a browser) reach it without configuration.
        int json = p.GetValue(jsonPort) is { } j ? PortNumber(j, "--json-port") : grpc is { } gp ? (gp == 0 ? 0 : PortNumber(gp + 2, "--port + 2")) : 5082;
        return new ServeSettings(grpc, http, json, p.GetValue(listen), p.GetValue(results), (p.GetValue(tenants) ?? []).Select((pair, i) => DevTenant(pair, i + 1)).ToArray());
    }

    /// <summary>The host's configuration keys these settings set.</summary>
    public Dictionary<string, string?> Overrides()
    {
        var overrides = new Dictionary<string, string?>();
        if (GrpcPort is { } grpc) overrides["GenerationPlatform:Host:GrpcPort"] = grpc.ToString(CultureInfo.InvariantCulture);
        if (HttpPort is { } http) overrides["GenerationPlatform:Host:HttpPort"] = http.ToString(CultureInfo.InvariantCulture);
        overrides["GenerationPlatform:Host:JsonPort"] = JsonPort.ToString(CultureInfo.InvariantCulture);
        if (ListenAddress is { } address) overrides["GenerationPlatform:Host:ListenAddress"] = address;
        if (ResultsFolder is { } folder) overrides["GenerationPlatform:Results:Path"] = folder;
        return overrides.WithTenants(DevTenants);
    }

    /// <summary>What the endpoints' tenants line says.</summary>
    public string TenantsLine => DevTenants.Count == 0 ? "from configuration" : string.Join(", ", DevTenants.Select(t => t.Tenant).Distinct(StringComparer.Ordinal));

    private static int PortNumber(int value, string name) =>
        value is >= 0 and <= 65535 ? value : throw new CliArgumentException($"{name} must be between 0 and 65535 (got {value})");

    /// <summary>
    /// One <c>--dev-tenant</c> value (the <paramref name="index"/>th, from 1). A refusal names the option and which one, never the
    /// value: it holds a key (and a value without a colon may be a key alone).
    /// </summary>
    private static (string Tenant, string Key) DevTenant(string pair, int index)
    {
        var which = $"--dev-tenant (#{index})";
        int colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == pair.Length - 1) throw new CliArgumentException($"{which}: expected tenant:key (the value is not repeated here: it holds a key)");
        var tenant = pair[..colon];
        if (!ApiKeyOptions.IsTenantId(tenant))
            throw new CliArgumentException($"{which}: the tenant, before the first ':', must be {ApiKeyOptions.TenantIdRule} (the value is not repeated here: it holds a key)");
        return (tenant, pair[(colon + 1)..]);
    }
}
