using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using GenerationPlatform.Silo;
using GenerationPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>The certificates every TLS test uses: one cluster CA with two silos, a foreign CA with one, and odd ones.</summary>
public sealed class TlsMaterial : IDisposable
{
    private readonly TestCertificates certificates = new();

    public TlsMaterial()
    {
        var ca = certificates.Authority("genplat cluster CA");
        Ca = certificates.WriteText("ca.crt", ca.ExportCertificatePem() + "\n");
        SiloA = certificates.Silo("silo-a", ca);
        SiloB = certificates.Silo("silo-b", ca);
        (SiloACert, SiloAKey) = certificates.Write(SiloA, "silo-a");
        (SiloBCert, SiloBKey) = certificates.Write(SiloB, "silo-b");
        var foreignCa = certificates.Authority("someone else's CA");
        ForeignCa = certificates.WriteText("foreign-ca.crt", foreignCa.ExportCertificatePem() + "\n");
        Foreign = certificates.Silo("intruder", foreignCa);
        SelfSigned = certificates.Silo("lone-silo", null);
        (SelfSignedCert, SelfSignedKey) = certificates.Write(SelfSigned, "lone-silo");
        (ServerOnlyCert, ServerOnlyKey) = certificates.Write(certificates.Silo("server-only", ca, TestCertificates.ServerOnly), "server-only");
        (ExpiredCert, ExpiredKey) = certificates.Write(certificates.Silo("expired", null, notAfter: DateTimeOffset.UtcNow.AddHours(-1)), "expired");
        Garbage = certificates.WriteText("garbage.crt", "this is not a certificate\n");
        Combined = certificates.WriteText("silo-a-combined.pem", File.ReadAllText(SiloACert) + File.ReadAllText(SiloAKey));
        Missing = Path.Combine(certificates.Folder, "no-such-file.crt");
        // Named silos: the cluster's DNS name pattern is *.silos.genplat.test.
        NamedA = certificates.Silo("named-a", ca, dnsNames: ["a.silos.genplat.test"]);
        NamedB = certificates.Silo("named-b", ca, dnsNames: ["b.silos.genplat.test", "localhost"]);
        (NamedACert, NamedAKey) = certificates.Write(NamedA, "named-a");
        OtherName = certificates.Silo("other-name", ca, dnsNames: ["a.others.genplat.test", "silos.genplat.test", "x.a.silos.genplat.test"]);
        ServerOnlyNamed = certificates.Silo("server-only-named", ca, TestCertificates.ServerOnly, dnsNames: ["c.silos.genplat.test"]);
        ClientOnlyNamed = certificates.Silo("client-only-named", ca, TestCertificates.ClientOnly, dnsNames: ["c.silos.genplat.test"]);
        NoUsageNamed = certificates.Silo("no-usage-named", ca, [], dnsNames: ["c.silos.genplat.test"]);
        ForeignNamed = certificates.Silo("foreign-named", foreignCa, dnsNames: ["c.silos.genplat.test"]);
        (NoUsageCert, NoUsageKey) = certificates.Write(certificates.Silo("no-usage", ca, []), "no-usage");
    }

    public X509Certificate2 NamedA { get; }
    public X509Certificate2 NamedB { get; }
    public X509Certificate2 OtherName { get; }
    public X509Certificate2 ServerOnlyNamed { get; }
    public X509Certificate2 ClientOnlyNamed { get; }
    public X509Certificate2 NoUsageNamed { get; }
    public X509Certificate2 ForeignNamed { get; }
    public string NamedACert { get; }
    public string NamedAKey { get; }
    public string NoUsageCert { get; }
    public string NoUsageKey { get; }

    public X509Certificate2 SiloA { get; }
    public X509Certificate2 SiloB { get; }
    public X509Certificate2 Foreign { get; }
    public X509Certificate2 SelfSigned { get; }
    public string Ca { get; }
    public string ForeignCa { get; }
    public string SiloACert { get; }
    public string SiloAKey { get; }
    public string SiloBCert { get; }
    public string SiloBKey { get; }
    public string SelfSignedCert { get; }
    public string SelfSignedKey { get; }
    public string ServerOnlyCert { get; }
    public string ServerOnlyKey { get; }
    public string ExpiredCert { get; }
    public string ExpiredKey { get; }
    public string Garbage { get; }
    public string Combined { get; }
    public string Missing { get; }

    public void Dispose() => certificates.Dispose();
}

/// <summary>
/// Silo-to-silo TLS (GenerationPlatform:Cluster:Tls): bound and checked when the host starts, a bad setting stopping
/// the start with the key named; two silos with certificates from one CA form a cluster over mutual TLS, and the silo
/// port refuses a peer without a certificate of the cluster.
/// </summary>
public sealed class ClusterTlsTests(TlsMaterial tls) : IClassFixture<TlsMaterial>
{
    private const string Key = ClusterTlsOptions.Section;

    private Dictionary<string, string?> Settings(string scenario) => scenario switch
    {
        "enabled-without-certificate" => new() { [$"{Key}:Enabled"] = "true" },
        "missing-certificate-file" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.Missing },
        "not-a-certificate" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.Garbage },
        "no-key" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SiloACert },
        "missing-key-file" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SiloACert, [$"{Key}:KeyPath"] = tls.Missing },
        "key-of-another-certificate" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SiloACert, [$"{Key}:KeyPath"] = tls.SiloBKey },
        "server-only-usage" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.ServerOnlyCert, [$"{Key}:KeyPath"] = tls.ServerOnlyKey },
        "expired" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.ExpiredCert, [$"{Key}:KeyPath"] = tls.ExpiredKey },
        "ca-that-did-not-issue-it" => new()
        {
            [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SiloACert, [$"{Key}:KeyPath"] = tls.SiloAKey, [$"{Key}:CaPath"] = tls.ForeignCa,
        },
        "ca-not-a-certificate" => new()
        {
            [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SiloACert, [$"{Key}:KeyPath"] = tls.SiloAKey, [$"{Key}:CaPath"] = tls.Garbage,
        },
        "missing-ca-file" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SiloACert, [$"{Key}:KeyPath"] = tls.SiloAKey, [$"{Key}:CaPath"] = tls.Missing },
        "paths-but-not-enabled" => new() { [$"{Key}:CertificatePath"] = tls.SiloACert, [$"{Key}:KeyPath"] = tls.SiloAKey },
        "enabled-not-a-boolean" => new() { [$"{Key}:Enabled"] = "yes please", [$"{Key}:CertificatePath"] = tls.SiloACert },
        "ca" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SiloACert, [$"{Key}:KeyPath"] = tls.SiloAKey, [$"{Key}:CaPath"] = tls.Ca },
        "pinned" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.SelfSignedCert, [$"{Key}:KeyPath"] = tls.SelfSignedKey },
        "key-in-the-certificate-file" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.Combined },
        "no-usage" => new() { [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.NoUsageCert, [$"{Key}:KeyPath"] = tls.NoUsageKey },
        "named" => Named("*.silos.genplat.test"),
        "named-exactly" => Named("a.silos.genplat.test"),
        "peer-name-not-carried" => Named("*.others.genplat.test"),
        "peer-name-not-a-dns-name" => Named("silos genplat"),
        "peer-name-but-not-enabled" => new() { [$"{Key}:PeerName"] = "*.silos.genplat.test" },
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    private Dictionary<string, string?> Named(string peerName) => new()
    {
        [$"{Key}:Enabled"] = "true", [$"{Key}:CertificatePath"] = tls.NamedACert, [$"{Key}:KeyPath"] = tls.NamedAKey, [$"{Key}:CaPath"] = tls.Ca,
        [$"{Key}:PeerName"] = peerName,
    };

    [Theory]
    [InlineData("enabled-without-certificate", "CertificatePath")]
    [InlineData("missing-certificate-file", "CertificatePath")]
    [InlineData("not-a-certificate", "CertificatePath")]
    [InlineData("no-key", "CertificatePath")]
    [InlineData("missing-key-file", "KeyPath")]
    [InlineData("key-of-another-certificate", "KeyPath")]
    [InlineData("server-only-usage", "CertificatePath")]
    [InlineData("expired", "CertificatePath")]
    [InlineData("ca-that-did-not-issue-it", "CaPath")]
    [InlineData("ca-not-a-certificate", "CaPath")]
    [InlineData("missing-ca-file", "CaPath")]
    [InlineData("paths-but-not-enabled", "Enabled")]
    [InlineData("enabled-not-a-boolean", "Enabled")]
    [InlineData("no-usage", "CertificatePath")]
    [InlineData("peer-name-not-carried", "CertificatePath")]
    [InlineData("peer-name-not-a-dns-name", "PeerName")]
    [InlineData("peer-name-but-not-enabled", "Enabled")]
    public void ABadTlsSettingFailsTheStartNamingTheKey(string scenario, string key)
    {
        // A setting that does not bind is an options problem (as for every options); a file that cannot work, the host's own.
        var e = Record.Exception(() => PlatformHost.CreateBuilder([], Settings(scenario)));
        Assert.True(e is HostConfigurationException or Microsoft.Extensions.Options.OptionsValidationException, e?.ToString());
        Assert.Contains($"{Key}:{key}", e!.Message);
    }

    [Theory]
    [InlineData("ca")]
    [InlineData("pinned")]
    [InlineData("key-in-the-certificate-file")]
    [InlineData("named")]
    [InlineData("named-exactly")]
    public void AGoodTlsSettingIsBoundAndLoadedAtStart(string scenario)
    {
        var settings = Settings(scenario);
        var builder = PlatformHost.CreateBuilder([], settings);
        var options = new ClusterTlsOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(builder.Configuration.GetSection(Key), options);
        Assert.True(options.Enabled);
        var loaded = options.Load(DateTimeOffset.UtcNow)!;
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal(scenario is "ca" or "named" or "named-exactly", loaded.ChecksIssuer);
    }

    [Fact]
    public void WithACaAnySiloItIssuedIsAcceptedAndWithoutOneOnlyTheClustersOwnCertificate()
    {
        var now = DateTime.UtcNow;
        var withCa = new ClusterTlsOptions { Enabled = true, CertificatePath = tls.SiloACert, KeyPath = tls.SiloAKey, CaPath = tls.Ca }.Load(DateTimeOffset.UtcNow)!;
        Assert.True(withCa.Accepts(tls.SiloB, now, out var why), why);
        Assert.True(withCa.Accepts(tls.SiloA, now, out why), why);
        Assert.False(withCa.Accepts(tls.Foreign, now, out _));
        Assert.False(withCa.Accepts(tls.SelfSigned, now, out _));
        // After the silo certificates expired (the CA still valid), they are refused too.
        Assert.False(withCa.Accepts(tls.SiloB, now.AddDays(1.5), out _));

        var pinned = new ClusterTlsOptions { Enabled = true, CertificatePath = tls.SelfSignedCert, KeyPath = tls.SelfSignedKey }.Load(DateTimeOffset.UtcNow)!;
        Assert.True(pinned.Accepts(tls.SelfSigned, now, out why), why);
        Assert.False(pinned.Accepts(tls.SiloA, now, out _));
        Assert.False(pinned.Accepts(tls.Foreign, now, out _));
    }

    [Fact]
    public void APeerMustListBothAuthenticationsAndCarryThePeerName()
    {
        var now = DateTime.UtcNow;
        var named = new ClusterTlsOptions
        {
            Enabled = true, CertificatePath = tls.NamedACert, KeyPath = tls.NamedAKey, CaPath = tls.Ca, PeerName = "*.silos.genplat.test",
        }.Load(DateTimeOffset.UtcNow)!;
        Assert.True(named.Accepts(tls.NamedB, now, out var why), why);
        Assert.True(named.Accepts(tls.NamedA, now, out why), why);
        foreach (var (name, peer, reason) in new[]
                 {
                     ("another name from the same CA", tls.OtherName, "DNS name"),
                     ("no name at all", tls.SiloB, "DNS name"),
                     ("server authentication only", tls.ServerOnlyNamed, "extended key usage"),
                     ("client authentication only", tls.ClientOnlyNamed, "extended key usage"),
                     ("no extended key usage", tls.NoUsageNamed, "extended key usage"),
                     ("the right name from another CA", tls.ForeignNamed, ""), // the chain's own words
                 })
        {
            Assert.False(named.Accepts(peer, now, out why), name);
            Assert.Contains(reason, why);
            Assert.NotEmpty(why);
        }
        // Without a peer name (a CA of the cluster's own), the usage is still required.
        var ca = new ClusterTlsOptions { Enabled = true, CertificatePath = tls.SiloACert, KeyPath = tls.SiloAKey, CaPath = tls.Ca }.Load(DateTimeOffset.UtcNow)!;
        Assert.True(ca.Accepts(tls.OtherName, now, out why), why);
        Assert.False(ca.Accepts(tls.ServerOnlyNamed, now, out _));
        Assert.False(ca.Accepts(tls.NoUsageNamed, now, out _));
    }

    [Fact]
    public async Task TheSiloPortRefusesAPeerWithTheWrongUsageOrAnotherNameOverRealTls()
    {
        var results = Directory.CreateTempSubdirectory("genplat-tls-embedded-").FullName;
        var settings = new Dictionary<string, string?>(Named("*.silos.genplat.test"))
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = results,
            ["GenerationPlatform:Silo:Accelerator"] = "none",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = await EmbeddedPlatform.StartAsync(settings);
        try
        {
            int port = int.Parse(app.Configuration["GenerationPlatform:Cluster:SiloPort"]!, System.Globalization.CultureInfo.InvariantCulture);
            var ok = await HandshakeAsync(port, tls.NamedB);
            Assert.Equal(tls.NamedA.GetCertHashString(), ok.Server);
            Assert.False(ok.Refused, "a silo of the cluster, named as it must be, was refused");
            foreach (var (name, client) in new[]
                     {
                         ("another name from the same CA", tls.OtherName), ("no name", tls.SiloB), ("server authentication only", tls.ServerOnlyNamed),
                         ("client authentication only", tls.ClientOnlyNamed), ("no extended key usage", tls.NoUsageNamed), ("another CA", tls.ForeignNamed),
                         ("no certificate", (X509Certificate2?)null),
                     })
                Assert.True((await HandshakeAsync(port, client)).Refused, $"{name}: the silo port accepted it");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(results, recursive: true);
        }
    }

    private static async Task<WebApplication> StartSiloAsync(AzuriteProcess tables, string clusterId, string results, int siloPort, string certificate, string key, string ca)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GenerationPlatform:Host:Mode"] = "cluster",
            ["GenerationPlatform:Host:ListenAddress"] = "127.0.0.1",
            ["GenerationPlatform:Host:GrpcPort"] = "0",
            ["GenerationPlatform:Host:HttpPort"] = "0",
            ["GenerationPlatform:Cluster:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // GatewayPort left unset: the host's default is no gateway.
            ["GenerationPlatform:Cluster:ClusterId"] = clusterId,
            ["GenerationPlatform:Cluster:ServiceId"] = clusterId,
            ["GenerationPlatform:Cluster:AdvertisedIp"] = "127.0.0.1",
            ["GenerationPlatform:Cluster:ConnectionString"] = tables.ConnectionString,
            [$"{Key}:Enabled"] = "true",
            [$"{Key}:CertificatePath"] = certificate,
            [$"{Key}:KeyPath"] = key,
            [$"{Key}:CaPath"] = ca,
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = results,
            ["GenerationPlatform:Auth:Tenants:alpha:KeySha256:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("alpha-tls-test-key"))),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = PlatformHost.Build(PlatformHost.CreateBuilder([], settings));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await app.StartAsync(timeout.Token);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>
    /// A TLS handshake with the silo port as a client presenting <paramref name="client"/> (or nothing): the certificate
    /// the silo presented, and whether it refused us. With TLS 1.3 the server judges a client certificate after the
    /// client's side of the handshake is done, so a refusal can also show as the connection ending; an accepted
    /// connection stays open, waiting for an Orleans preamble that never comes.
    /// </summary>
    private static async Task<(string? Server, bool Refused)> HandshakeAsync(int port, X509Certificate2? client)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        string? server = null;
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            server = certificate?.GetCertHashString();
            return true;
        });
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "silo",
            ClientCertificates = client is null ? null : [client],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (server, true);
        }
        try
        {
            var read = await ssl.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(3));
            return (server, read == 0);
        }
        catch (TimeoutException)
        {
            return (server, false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (server, true);
        }
    }

    [Fact]
    [Trait("Tier", "slow")]
    public async Task TwoSilosWithCertificatesFromOneCaFormAClusterOverMutualTlsAndRefuseOtherPeers()
    {
        // The cluster account: tables (clustering, state, reminders) and blobs (job checkpoints).
        using var tables = await AzuriteProcess.StartAsync(AzuriteServices.Table | AzuriteServices.Blob);
        var clusterId = $"tls-{Guid.NewGuid():N}"[..24];
        var results = Directory.CreateTempSubdirectory("genplat-tls-results-").FullName;
        int portA = PlatformHostOptions.FreePort(IPAddress.Loopback), portB = PlatformHostOptions.FreePort(IPAddress.Loopback);
        var silos = new List<WebApplication>();
        try
        {
            silos.Add(await StartSiloAsync(tables, clusterId, results, portA, tls.SiloACert, tls.SiloAKey, tls.Ca));
            silos.Add(await StartSiloAsync(tables, clusterId, results, portB, tls.SiloBCert, tls.SiloBKey, tls.Ca));

            // Both see both active (B joined only after it reached A over TLS).
            var deadline = DateTime.UtcNow.AddSeconds(60);
            foreach (var silo in silos)
            {
                var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
                while (membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) < 2)
                {
                    Assert.True(DateTime.UtcNow < deadline,
                        $"membership: {string.Join(", ", membership.CurrentSnapshot.Members.Values.Select(m => $"{m.SiloAddress} {m.Status}"))}");
                    await Task.Delay(200);
                }
            }
            // Messages pass both ways: each silo asks both silos' control targets for their statistics.
            foreach (var silo in silos)
            {
                var management = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
                var hosts = await management.GetDetailedHosts(onlyActive: true);
                Assert.Equal(2, hosts.Length);
                Assert.Equal(new[] { portA, portB }.Order(), hosts.Select(h => h.SiloAddress.Endpoint.Port).Order());
                // No silo offers an Orleans gateway.
                Assert.All(hosts, h => Assert.Equal(0, h.ProxyPort));
                var statistics = await management.GetRuntimeStatistics([.. hosts.Select(h => h.SiloAddress)]).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(2, statistics.Length);
            }

            // The silo port speaks TLS with the silo's own certificate, and takes a client certificate of the cluster...
            var ok = await HandshakeAsync(portA, tls.SiloB);
            Assert.Equal(tls.SiloA.GetCertHashString(), ok.Server);
            Assert.False(ok.Refused, "a certificate the cluster CA issued was refused");
            // ...and refuses a peer with another CA's certificate, a self-signed one, or none.
            foreach (var (name, client) in new[] { ("foreign CA", tls.Foreign), ("self-signed", tls.SelfSigned), ("no certificate", (X509Certificate2?)null) })
            {
                var attempt = await HandshakeAsync(portA, client);
                Assert.Equal(tls.SiloA.GetCertHashString(), attempt.Server);
                Assert.True(attempt.Refused, $"{name}: the silo port accepted it");
            }
        }
        finally
        {
            foreach (var silo in Enumerable.Reverse(silos))
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try { await silo.StopAsync(stop.Token); }
                catch (OperationCanceledException) { }
                await silo.DisposeAsync();
            }
            try { Directory.Delete(results, recursive: true); }
            catch (IOException) { }
        }
    }
}
