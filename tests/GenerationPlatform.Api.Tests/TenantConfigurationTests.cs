using GenerationPlatform.Api.V1;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// Tenants as configured: one key hash under two tenants (or twice under one) stops the start naming both places, and
/// tenant ids ignore case wherever they are configured, as configuration's own keys do (a quota under <c>ALPHA</c> is
/// tenant <c>alpha</c>'s).
/// </summary>
public sealed class TenantConfigurationTests
{
    private const string Auth = "GenerationPlatform:Auth:Tenants";

    [Theory]
    [InlineData("gamma", 0, "alpha", 0)] // another tenant, the same key
    [InlineData("alpha", 1, "alpha", 0)] // the same tenant, the same key twice
    [InlineData("beta", 1, "alpha", 0)] // another tenant's second key
    public async Task AKeyHashConfiguredTwiceStopsTheStartNamingBothKeys(string tenant, int index, string holder, int holderIndex)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => PlatformFixture.StartHostAsync(new Dictionary<string, string?>
        {
            // Upper-case hex: the same hash however it is written.
            [$"{Auth}:{tenant}:KeySha256:{index}"] = ApiKeyAuthenticator.HashOf(PlatformFixture.AlphaKey).ToUpperInvariant(),
        }));
        Assert.Contains($"{Auth}:{holder}:KeySha256:{holderIndex} and {Auth}:{tenant}:KeySha256:{index} hold the same key hash", e.Message);
        Assert.DoesNotContain(PlatformFixture.AlphaKey, e.Message);
    }

    [Fact]
    public void TenantIdsThatDifferOnlyInCaseAreRefusedWhereConfigurationCannotMergeThem()
    {
        // Configuration has one key for both spellings; options made in code could hold both.
        var keys = new ApiKeyOptions { Tenants = new(StringComparer.Ordinal) { ["alpha"] = Keys("a"), ["Alpha"] = Keys("b") } };
        Assert.Contains(keys.Problems(), p => p.Contains("'alpha' and 'Alpha' differ only in case", StringComparison.Ordinal));
        var quotas = new Contracts.TenantQuotaOptions { Quotas = new(StringComparer.Ordinal) { ["alpha"] = new(), ["ALPHA"] = new() } };
        Assert.Contains(quotas.Problems(), p => p.Contains("'alpha' and 'ALPHA' differ only in case", StringComparison.Ordinal));
        // And a lookup finds a quota whatever its spelling, even in a dictionary that compares ordinally.
        var one = new Contracts.TenantQuotaOptions { Quotas = new(StringComparer.Ordinal) { ["Alpha"] = new() { MaxConcurrentJobs = 7 } } };
        Assert.Equal(7, one.For("alpha").MaxConcurrentJobs);
        Assert.Equal(one.Default, one.For("beta"));
    }

    [Fact]
    public async Task AQuotaConfiguredUnderAnotherCaseIsTheTenantsQuota()
    {
        await using var host = await OwnHost.StartAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Tenants:Quotas:ALPHA:MaxBudgetPerRequest"] = "50",
            ["GenerationPlatform:Tenants:Quotas:Beta:MaxConcurrentJobs"] = "3",
        });
        using var alpha = new Client.GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        using var beta = new Client.GenerationPlatformClient(host.GrpcAddress, PlatformFixture.BetaKey);
        var usage = await alpha.GetUsageAsync();
        Assert.Equal("alpha", usage.Tenant);
        Assert.Equal(50, usage.Quota.MaxBudgetPerRequest);
        Assert.Equal(3, (await beta.GetUsageAsync()).Quota.MaxConcurrentJobs);
        // The quota is enforced, not only reported.
        var e = await Assert.ThrowsAsync<RpcException>(() => alpha.SubmitAsync(PlatformFixture.Request(budget: 19 * 8)));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("maximum of 50", e.Status.Detail);
    }

    private static TenantKeys Keys(string key) => new() { KeySha256 = [ApiKeyAuthenticator.HashOf(key)] };
}
