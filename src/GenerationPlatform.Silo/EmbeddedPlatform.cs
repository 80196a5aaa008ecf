using System.Globalization;
using System.Net;
using GenerationPlatform.Api;
using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Silo;

/// <summary>
/// The embedded platform (one silo with its gRPC API, as <c>genplat serve</c> runs it) on free loopback ports: the one
/// builder behind the benchmarks, the load test and the tests' in-process hosts.
/// </summary>
public static class EmbeddedPlatform
{
    /// <summary>gRPC and HTTP on ports the OS picks, and free Orleans ports, so other silos on the machine keep theirs.</summary>
    public static Dictionary<string, string?> LoopbackSettings()
    {
        var loopback = IPAddress.Loopback;
        return new Dictionary<string, string?>
        {
            ["GenerationPlatform:Host:GrpcPort"] = "0",
            ["GenerationPlatform:Host:HttpPort"] = "0",
            ["GenerationPlatform:Cluster:SiloPort"] = PlatformHostOptions.FreePort(loopback).ToString(CultureInfo.InvariantCulture),
            ["GenerationPlatform:Cluster:GatewayPort"] = PlatformHostOptions.FreePort(loopback).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Adds each tenant's API key (its SHA-256, as the host keeps keys) to <paramref name="settings"/>.</summary>
    public static Dictionary<string, string?> WithTenants(this Dictionary<string, string?> settings, IEnumerable<(string Tenant, string Key)> keys)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (tenant, key) in keys)
        {
            int n = counts[tenant] = counts.GetValueOrDefault(tenant) + 1;
            settings[$"GenerationPlatform:Auth:Tenants:{tenant}:KeySha256:{n - 1}"] = ApiKeyAuthenticator.HashOf(key);
        }
        return settings;
    }

    /// <summary>
    /// Builds and starts the host with <paramref name="settings"/> (over the loopback ones) and <paramref name="configure"/>'s services,
    /// and waits until its models are warm (as its readiness probe would), so that what runs next does not share the cores with the warm-up.
    /// </summary>
    public static async Task<WebApplication> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var all = LoopbackSettings();
        foreach (var (key, value) in settings) all[key] = value;
        var builder = PlatformHost.CreateBuilder([], all);
        configure?.Invoke(builder);
        var app = await PlatformHost.StartAsync(builder, cancellationToken);
        try
        {
            await PlatformHost.WaitUntilWarmAsync(app, cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }
}
