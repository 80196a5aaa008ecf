
using System.CommandLine;
using GenerationPlatform.Silo;
using GenerationPlatform.Api;
using GenerationPlatform.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat serve</c>: the platform host (PlatformHost) in this process. Without other configuration
/// that is the embedded default (one silo, localhost clustering, in-memory state, local-folder
/// results); appsettings.json and GenerationPlatform__... environment variables configure the rest.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "gRPC port, HTTP/2 without TLS (default 5080; 0: a free port)" };
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP/1.1 port of /healthz/live and /healthz/ready (default: --port + 1, or 5081; 0: a free port)" };
        var listen = new Option<string?>("--listen") { Description = "address to bind (default 127.0.0.1 embedded, 0.0.0.0 in cluster mode)" };
        var tenants = new Option<string[]>("--dev-tenant") { Description = "tenant:key, repeatable: a tenant and its API key, for development (production configures key hashes)" };
        var results = new Option<string?>("--results") { Description = "folder of the local result store (default ./results)" };
        var cmd = new Command("serve", "Run the platform: gRPC API, silo and result store in this process; Ctrl+C stops it")
        {
            port, httpPort, listen, tenants, results,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (p.GetValue(port) is { } grpc)
            {
                overrides["GenerationPlatform:Host:GrpcPort"] = Port(grpc, "--port").ToString();
                if (p.GetValue(httpPort) is null) overrides["GenerationPlatform:Host:HttpPort"] = grpc == 0 ? "0" : Port(grpc + 1, "--port + 1").ToString();
            }
            if (p.GetValue(httpPort) is { } http) overrides["GenerationPlatform:Host:HttpPort"] = Port(http, "--http-port").ToString();
            if (p.GetValue(listen) is { } address) overrides["GenerationPlatform:Host:ListenAddress"] = address;
            if (p.GetValue(results) is { } folder) overrides["GenerationPlatform:Results:Path"] = folder;
            var keyCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var pair in p.GetValue(tenants) ?? [])
            {
                var (tenant, key) = DevTenant(pair);
                int n = keyCounts[tenant] = keyCounts.GetValueOrDefault(tenant) + 1;
                overrides[$"GenerationPlatform:Auth:Tenants:{tenant}:KeySha256:{n - 1}"] = ApiKeyAuthenticator.HashOf(key);
            }

            var builder = PlatformHost.CreateBuilder([], overrides);
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error); // not its GC notes
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout: the endpoints only
            var app = PlatformHost.Build(builder);
            await using (app)
            {
                try
                {
                    await app.StartAsync(ct);
                }
                catch (IOException e)
                {
                    throw new CliArgumentException($"serve: cannot listen: {e.Message}");
                }
                var endpoints = PlatformHost.Endpoints(app);
                var store = app.Services.GetRequiredService<IResultStore>();
                Console.WriteLine($"genplat serve: {endpoints.Mode} silo running");
                Console.WriteLine($"  gRPC (HTTP/2, no TLS): {endpoints.Grpc}");
                Console.WriteLine($"  HTTP health:           {endpoints.Http}{PlatformHost.LivePath}, {endpoints.Http}{PlatformHost.ReadyPath}");
                Console.WriteLine($"  results:               {(store is LocalFolderResultStore local ? local.RootPath : store.Kind)}");
                Console.WriteLine($"  tenants:               {(keyCounts.Count == 0 ? "from configuration" : string.Join(", ", keyCounts.Keys))}");
                Console.WriteLine("Ctrl+C stops it.");
                await app.WaitForShutdownAsync(ct); // stops the host gracefully: in-flight calls end, the silo leaves
                Console.WriteLine("genplat serve: stopped");
            }
            return 0;
        });
        return cmd;
    }

    private static int Port(int value, string name) =>
        value is >= 0 and <= 65535 ? value : throw new CliArgumentException($"{name} must be between 0 and 65535 (got {value})");

    private static (string Tenant, string Key) DevTenant(string pair)
    {
        int colon = pair.IndexOf(':');
        if (colon <= 0 || colon == pair.Length - 1) throw new CliArgumentException($"--dev-tenant: expected tenant:key (got '{pair}')");
        var tenant = pair[..colon];
        if (!ApiKeyOptions.IsTenantId(tenant))
            throw new CliArgumentException($"--dev-tenant: tenant '{tenant}' must be {ApiKeyOptions.TenantIdRule}");
        return (tenant, pair[(colon + 1)..]);
    }
}
