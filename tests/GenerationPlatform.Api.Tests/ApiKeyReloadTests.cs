using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// API keys follow their configuration without a restart: a Secret mounted as a key-per-file folder
/// (GenerationPlatform:Host:SecretsFolder), updated as the kubelet updates it, adds a key, removes one, and a bad update
/// keeps the keys as they were with an Error naming the key. Over real loopback.
/// </summary>
public sealed class ApiKeyReloadTests
{
    private const string GammaKey = "gamma-key-one-0123", GammaNextKey = "gamma-key-two-4567";
    private const string Gamma0 = "GenerationPlatform__Auth__Tenants__gamma__KeySha256__0", Gamma1 = "GenerationPlatform__Auth__Tenants__gamma__KeySha256__1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ARotatedSecretTakesEffectWithoutARestartAndABadOneIsRefused()
    {
        using var secret = new SecretVolume();
        secret.Write(new Dictionary<string, string> { [Gamma0] = ApiKeyAuthenticator.HashOf(GammaKey) + "\n" });
        var logs = new CapturedLogs();
        await using var host = await OwnHost.StartAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Host:SecretsFolder"] = secret.Folder,
        }, builder => builder.Logging.AddProvider(logs));

        Assert.Equal("gamma", await TenantOfAsync(host, GammaKey));
        Assert.Equal(StatusCode.Unauthenticated, await RefusalOfAsync(host, GammaNextKey));
        // The keys configured elsewhere (the in-memory settings) are still there.
        Assert.Equal("alpha", await TenantOfAsync(host, PlatformFixture.AlphaKey));

        // Rotation, step 1: the new key next to the old one.
        secret.Write(new Dictionary<string, string> { [Gamma0] = ApiKeyAuthenticator.HashOf(GammaKey), [Gamma1] = ApiKeyAuthenticator.HashOf(GammaNextKey) });
        await UntilAsync(async () => await RefusalOfAsync(host, GammaNextKey) == StatusCode.OK);
        Assert.Equal("gamma", await TenantOfAsync(host, GammaKey));

        // Step 2: the old key removed.
        secret.Write(new Dictionary<string, string> { [Gamma0] = ApiKeyAuthenticator.HashOf(GammaNextKey) });
        await UntilAsync(async () => await RefusalOfAsync(host, GammaKey) == StatusCode.Unauthenticated);
        Assert.Equal("gamma", await TenantOfAsync(host, GammaNextKey));

        // A bad update (not a hash; the same hash under another tenant): refused with an Error naming the key, the keys kept.
        foreach (var (bad, named) in new[]
                 {
                     (new Dictionary<string, string> { [Gamma0] = "not-a-hash" }, "GenerationPlatform:Auth:Tenants:gamma:KeySha256"),
                     (new Dictionary<string, string>
                     {
                         [Gamma0] = ApiKeyAuthenticator.HashOf(GammaNextKey),
                         ["GenerationPlatform__Auth__Tenants__delta__KeySha256__0"] = ApiKeyAuthenticator.HashOf(GammaNextKey),
                     }, "GenerationPlatform:Auth:Tenants:delta:KeySha256:0"),
                 })
        {
            int before = logs.Entries.Count;
            secret.Write(bad);
            await UntilAsync(() => Task.FromResult(logs.Entries.Skip(before).Any(e => e.Level == LogLevel.Error && e.Message.Contains(named, StringComparison.Ordinal))));
            Assert.Equal("gamma", await TenantOfAsync(host, GammaNextKey));
            Assert.Equal(StatusCode.Unauthenticated, await RefusalOfAsync(host, GammaKey));
        }

        // And a good update after a bad one is taken.
        secret.Write(new Dictionary<string, string> { [Gamma0] = ApiKeyAuthenticator.HashOf(GammaKey) });
        await UntilAsync(async () => await RefusalOfAsync(host, GammaKey) == StatusCode.OK);
        Assert.Equal(StatusCode.Unauthenticated, await RefusalOfAsync(host, GammaNextKey));
    }

    [Fact]
    public async Task AMissingSecretsFolderStopsTheStartNamingTheKey()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"genplat-no-such-secret-{Guid.NewGuid():N}");
        var e = await Assert.ThrowsAsync<Silo.HostConfigurationException>(() => OwnHost.StartAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Host:SecretsFolder"] = missing,
        }));
        Assert.Contains("GenerationPlatform:Host:SecretsFolder", e.Message);
    }

    private static async Task<string> TenantOfAsync(OwnHost host, string key)
    {
        using var client = new Client.GenerationPlatformClient(host.GrpcAddress, key);
        return (await client.GetUsageAsync()).Tenant;
    }

    private static async Task<StatusCode> RefusalOfAsync(OwnHost host, string key)
    {
        try
        {
            await TenantOfAsync(host, key);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new XunitException($"the condition did not hold within {Patience.TotalSeconds} s");
            await Task.Delay(200);
        }
    }
}
