using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GenerationPlatform.Silo;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The Orleans dashboard at /dashboard on the HTTP port, over real loopback: served only with its password (Basic, or the
/// password as a bearer token), 401 asking for Basic otherwise, on every one of its paths; and a host that enables it without
/// a password does not start.
/// </summary>
public sealed class DashboardTests
{
    private const string Password = "dashboard-pass-2718";

    [Fact]
    public async Task TheDashboardIsServedOnlyWithItsPassword()
    {
        await using var host = await OwnHost.StartAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Dashboard:Enabled"] = "true",
            ["GenerationPlatform:Dashboard:PasswordSha256"] = ApiKeyAuthenticator.HashOf(Password),
        });
        // Not following redirects: a client drops the credential on a redirect (/dashboard to /dashboard/), and each path is asked for itself.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(host.Endpoints.Http) };
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));

        // The dashboard's page and its API, as its page calls them.
        foreach (var path in new[] { "/dashboard", "/dashboard/", "/dashboard/DashboardCounters", "/dashboard/ClusterStats", "/dashboard/version" })
        {
            foreach (var (name, credential) in new (string, AuthenticationHeaderValue?)[]
                     {
                         ("none", null),
                         ("wrong password", new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:nope")))),
                         ("wrong user", new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"root:{Password}")))),
                         ("no colon", new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)))),
                         ("not base64", new("Basic", "%%%")),
                         ("wrong bearer", new("Bearer", "nope")),
                         ("the hash as the password", new("Bearer", ApiKeyAuthenticator.HashOf(Password))),
                         ("another scheme", new("Digest", Password)),
                     })
            {
                using var refused = await SendAsync(http, path, credential);
                Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{path}, {name}: {(int)refused.StatusCode}");
                Assert.StartsWith("Basic realm=", refused.Headers.WwwAuthenticate.ToString());
            }
        }
        using (var page = await SendAsync(http, "/dashboard/", basic))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        using (var counters = await SendAsync(http, "/dashboard/DashboardCounters", basic)) Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        using (var bearer = await SendAsync(http, "/dashboard/", new AuthenticationHeaderValue("Bearer", Password)))
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        // The rest of the HTTP port is as it was: health and metrics need nothing.
        using (var health = await SendAsync(http, PlatformHost.ReadyPath, null)) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var metrics = await SendAsync(http, "/metrics", null)) Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Theory]
    [InlineData(null, "GenerationPlatform:Dashboard:PasswordSha256 is required")]
    [InlineData("not-a-hash", "GenerationPlatform:Dashboard:PasswordSha256 must be")]
    public void EnabledWithoutAPasswordTheHostDoesNotStart(string? hash, string expected)
    {
        var e = Assert.Throws<OptionsValidationException>(() => PlatformHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["GenerationPlatform:Dashboard:Enabled"] = "true",
            ["GenerationPlatform:Dashboard:PasswordSha256"] = hash,
        }));
        Assert.Contains(expected, e.Message);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, AuthenticationHeaderValue? credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = credential;
        return await http.SendAsync(request);
    }
}
