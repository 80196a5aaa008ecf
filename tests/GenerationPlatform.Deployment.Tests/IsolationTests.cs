using System.Text.RegularExpressions;
using GenerationPlatform.Silo;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// In-cluster isolation, on the rendered chart, compose and the images: no Orleans gateway anywhere, a
/// NetworkPolicy that lets only this release's silos reach the silo port, metrics on their own Service,
/// restricted pods, one Orleans identity per release, silo TLS from a mounted Secret, loopback-only compose ports.
/// </summary>
public sealed partial class IsolationTests
{
    private const string Tls = "cluster: { tls: { enabled: true, secretName: genplat-cluster-tls, caKey: ca.crt } }";

    private static List<YamlMappingNode> Render(params string[] values) => Repository.Documents(Repository.RenderChart([ChartTests.Required, .. values]));

    private static IEnumerable<YamlMappingNode> OfKind(List<YamlMappingNode> docs, string kind) => docs.Where(d => d.Scalar("kind") == kind);

    private static Dictionary<string, string> Map(YamlNode node, params string[] path) =>
        node.Entries(path).ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!, StringComparer.Ordinal);

    private static Dictionary<string, string> Config(List<YamlMappingNode> docs) =>
        Map(Assert.Single(docs, d => d.Scalar("kind") == "ConfigMap" && d.Scalar("metadata", "name")!.EndsWith("-config", StringComparison.Ordinal)), "data");

    /// <summary>Whether a selector's matchLabels all hold in <paramref name="labels"/> (and it has some).</summary>
    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    private static List<Dictionary<string, string>> SiloPodLabels(List<YamlMappingNode> docs) =>
        OfKind(docs, "Deployment").Select(d => Map(d, "spec", "template", "metadata", "labels")).ToList();

    public static TheoryData<string> Renders => new() { "default", "everything", "tls" };

    private static List<YamlMappingNode> Named(string render) => render switch
    {
        "default" => ChartTests.Rendered(false),
        "everything" => ChartTests.Rendered(true),
        _ => Render(Tls),
    };

    [GeneratedRegex(@"(?<![0-9])30000(?![0-9])")]
    private static partial Regex GatewayPortNumber();

    [Fact]
    public void NothingOpensAnOrleansGateway()
    {
        // The host: no gateway unless a port is set.
        Assert.Equal(0, new PlatformClusterOptions().GatewayPort);
        var renderings = new[]
        {
            Repository.RenderChart(ChartTests.Required), Repository.RenderChart(ChartTests.Required, ChartTests.Everything), Repository.RenderChart(ChartTests.Required, Tls),
        };
        foreach (var text in renderings)
        {
            Assert.DoesNotMatch(GatewayPortNumber(), text);
            var docs = Repository.Documents(text);
            Assert.Equal("0", Config(docs)["GenerationPlatform__Cluster__GatewayPort"]);
            foreach (var deployment in OfKind(docs, "Deployment"))
            {
                var container = Assert.Single(deployment.Items("spec", "template", "spec", "containers"));
                Assert.DoesNotContain(container.Items("ports"), p => p.Scalar("name") == "gateway");
                Assert.DoesNotContain(container.Items("env"), e => e.Scalar("name") == "GenerationPlatform__Cluster__GatewayPort");
            }
        }
        foreach (var file in new[] { "infra/silo-cpu.Dockerfile", "infra/silo-gpu.Dockerfile", "docker-compose.yml" })
        {
            var text = File.ReadAllText(Repository.PathOf(file));
            Assert.DoesNotMatch(GatewayPortNumber(), text);
            // Where the key is set at all, it is 0 (the host's default: no gateway).
            Assert.All(Regex.Matches(text, @"GenerationPlatform__Cluster__GatewayPort\W+(\w+)"), m => Assert.Equal("0", m.Groups[1].Value));
        }
    }

    [Fact]
    public void TheNetworkPolicyLetsOnlyThisReleasesSilosReachTheSiloPort()
    {
        var docs = ChartTests.Rendered(false);
        var config = Config(docs);
        int silo = int.Parse(config["GenerationPlatform__Cluster__SiloPort"]), grpc = int.Parse(config["GenerationPlatform__Host__GrpcPort"]),
            http = int.Parse(config["GenerationPlatform__Host__HttpPort"]), json = int.Parse(config["GenerationPlatform__Host__JsonPort"]);
        var policy = Assert.Single(OfKind(docs, "NetworkPolicy"));
        var pods = SiloPodLabels(docs);
        Assert.Equal(2, pods.Count);
        // It covers every silo pod, and only ingress (egress to storage and OTLP stays open).
        var covered = Map(policy, "spec", "podSelector", "matchLabels");
        Assert.All(pods, labels => Assert.True(Selects(covered, labels)));
        Assert.Equal(["Ingress"], policy.Items("spec", "policyTypes").Select(t => ((YamlScalarNode)t).Value));

        var rules = policy.Items("spec", "ingress").ToList();
        List<int> PortsOf(YamlNode rule) => rule.Items("ports").Select(p => int.Parse(p.Scalar("port")!)).ToList();
        // Each port in exactly one rule, and no other port at all (no gateway, nothing unnamed).
        Assert.Equal(new[] { grpc, http, json, silo }.Order(), rules.SelectMany(PortsOf).Order());
        // HTTP/JSON is the same API: the same callers as gRPC, in one rule.
        Assert.Equal(new[] { grpc, json }, PortsOf(Assert.Single(rules, r => PortsOf(r).Contains(grpc))));
        Assert.All(rules, r => Assert.NotEmpty(PortsOf(r)));

        // The silo port: from pods (in this namespace) that carry this release's silo labels, and from nothing else.
        var siloRule = Assert.Single(rules, r => PortsOf(r).Contains(silo));
        Assert.Equal([silo], PortsOf(siloRule));
        var peer = Assert.Single(siloRule.Items("from"));
        Assert.Null(peer.At("namespaceSelector"));
        Assert.Null(peer.At("ipBlock"));
        var from = Map(peer, "podSelector", "matchLabels");
        Assert.All(pods, labels => Assert.True(Selects(from, labels)));
        Assert.Equal("genplat", from["app.kubernetes.io/instance"]);
        Assert.Equal("silo", from["app.kubernetes.io/component"]);
        // Another release's silos (same chart, other instance) do not match.
        Assert.False(Selects(from, new Dictionary<string, string>(pods[0]) { ["app.kubernetes.io/instance"] = "other" }));

        // gRPC: by default from the pods of the release's namespace (a podSelector that selects all of them, no namespaceSelector),
        // and `helm test`'s pod; never a rule without "from", which would admit every source.
        var grpcRule = Assert.Single(rules, r => PortsOf(r).Contains(grpc));
        var sameNamespace = Assert.Single(grpcRule.Items("from"), p => p.At("podSelector") is YamlMappingNode { Children.Count: 0 });
        Assert.Null(sameNamespace.At("namespaceSelector"));
        Assert.All(grpcRule.Items("from"), p => Assert.Null(p.At("ipBlock")));
        // The http port (/metrics, /dashboard): only the configured Prometheus.
        var metricsRule = Assert.Single(rules, r => PortsOf(r).Contains(http));
        var prometheus = Assert.Single(metricsRule.Items("from"));
        Assert.Equal("monitoring", prometheus.Scalar("namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"));
        Assert.Equal("prometheus", prometheus.Scalar("podSelector", "matchLabels", "app.kubernetes.io/name"));
    }

    [Fact]
    public void TheNetworkPolicySelectorsAreConfigurableAndItCanBeTurnedOff()
    {
        var docs = Render("""
            networkPolicy:
              grpcFrom: [ { namespaceSelector: { matchLabels: { team: edge } }, podSelector: { matchLabels: { app: gateway } } } ]
              metricsFrom: [ { namespaceSelector: { matchLabels: { team: obs } } } ]
            """);
        var policy = Assert.Single(OfKind(docs, "NetworkPolicy"));
        var rules = policy.Items("spec", "ingress").ToList();
        var grpc = Assert.Single(rules, r => r.Items("ports").Any(p => p.Scalar("port") == "5080"));
        // The configured peer, and `helm test`'s health check pod of this release (ChartFeatureTests checks it).
        var peers = grpc.Items("from").ToList();
        Assert.Equal(2, peers.Count);
        var edge = peers[0];
        Assert.Equal("edge", edge.Scalar("namespaceSelector", "matchLabels", "team"));
        Assert.Equal("gateway", edge.Scalar("podSelector", "matchLabels", "app"));
        Assert.Equal("test", peers[1].Scalar("podSelector", "matchLabels", "app.kubernetes.io/component"));
        var metrics = Assert.Single(rules, r => r.Items("ports").Any(p => p.Scalar("port") == "5081"));
        Assert.Equal("obs", Assert.Single(metrics.Items("from")).Scalar("namespaceSelector", "matchLabels", "team"));

        // No Prometheus peers: no rule for the http port at all (an empty "from" would admit everyone).
        var closed = Assert.Single(OfKind(Render("networkPolicy: { metricsFrom: [] }"), "NetworkPolicy"));
        Assert.DoesNotContain(closed.Items("spec", "ingress"), r => r.Items("ports").Any(p => p.Scalar("port") == "5081"));
        Assert.Empty(OfKind(Render("networkPolicy: { enabled: false }"), "NetworkPolicy"));
    }

    [Fact]
    public void MetricsHaveTheirOwnServiceAndTheServiceMonitorScrapesOnlyIt()
    {
        var docs = ChartTests.Rendered(true);
        var services = OfKind(docs, "Service").ToList();
        Assert.Equal(2, services.Count);
        var tenants = Assert.Single(services, s => s.Scalar("metadata", "name") == "genplat-generation-platform");
        var metrics = Assert.Single(services, s => s.Scalar("metadata", "name") == "genplat-generation-platform-metrics");
        Assert.Equal(["grpc", "json"], tenants.Items("spec", "ports").Select(p => p.Scalar("name")));
        var http = Assert.Single(metrics.Items("spec", "ports"));
        Assert.Equal("http", http.Scalar("targetPort"));
        Assert.Equal("None", metrics.Scalar("spec", "clusterIP"));
        Assert.All(SiloPodLabels(docs), labels => Assert.True(Selects(Map(metrics, "spec", "selector"), labels)));

        var monitor = Assert.Single(OfKind(docs, "ServiceMonitor"));
        var selector = Map(monitor, "spec", "selector", "matchLabels");
        Assert.True(Selects(selector, Map(metrics, "metadata", "labels")));
        Assert.False(Selects(selector, Map(tenants, "metadata", "labels")));
        Assert.Equal("http", Assert.Single(monitor.Items("spec", "endpoints")).Scalar("port"));
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void PodsRunRestrictedWithoutAServiceAccountTokenAndWithABoundedTmp(string render)
    {
        var docs = Named(render);
        var account = Assert.Single(OfKind(docs, "ServiceAccount"));
        Assert.Equal("false", account.Scalar("automountServiceAccountToken"));
        foreach (var deployment in OfKind(docs, "Deployment"))
        {
            var pod = deployment.At("spec", "template", "spec")!;
            Assert.Equal("false", pod.Scalar("automountServiceAccountToken"));
            Assert.Equal(account.Scalar("metadata", "name"), pod.Scalar("serviceAccountName"));
            Assert.Equal("RuntimeDefault", pod.Scalar("securityContext", "seccompProfile", "type"));
            var container = Assert.Single(pod.Items("containers"));
            Assert.Equal("RuntimeDefault", container.Scalar("securityContext", "seccompProfile", "type"));
            Assert.Equal("false", container.Scalar("securityContext", "allowPrivilegeEscalation"));
            Assert.Equal("true", container.Scalar("securityContext", "readOnlyRootFilesystem"));
            Assert.Equal(["ALL"], container.Items("securityContext", "capabilities", "drop").Select(c => ((YamlScalarNode)c).Value));
            // The writable /tmp is an emptyDir with a size limit.
            var tmp = Assert.Single(container.Items("volumeMounts"), m => m.Scalar("mountPath") == "/tmp").Scalar("name");
            var volume = Assert.Single(pod.Items("volumes"), v => v.Scalar("name") == tmp);
            Assert.Matches(@"^[0-9]+(Mi|Gi)$", volume.Scalar("emptyDir", "sizeLimit"));
        }
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();

    [Theory]
    [MemberData(nameof(Renders))]
    public void EveryEnvironmentReferenceIsDefinedEarlierInTheList(string render)
    {
        var references = 0;
        foreach (var deployment in OfKind(Named(render), "Deployment"))
        {
            var env = Assert.Single(deployment.Items("spec", "template", "spec", "containers")).Items("env").ToList();
            for (int i = 0; i < env.Count; i++)
            {
                foreach (Match m in Reference().Matches(env[i].Scalar("value") ?? ""))
                {
                    references++;
                    var name = m.Groups[1].Value;
                    // Kubernetes expands $(NAME) only from variables defined before this one; later ones stay literal text.
                    Assert.True(env.Take(i).Any(e => e.Scalar("name") == name),
                        $"{deployment.Scalar("metadata", "name")}: {env[i].Scalar("name")} uses $({name}) before it is defined");
                }
            }
        }
        Assert.True(references > 0, "the chart's OTEL_RESOURCE_ATTRIBUTES references $(POD_NAME): the check found none");
    }

    private static (string Cluster, string Service) Identity(string release, string ns, params string[] values)
    {
        var config = Config(Repository.Documents(Repository.RenderRelease(release, ns, [ChartTests.Required, .. values])));
        return (config["GenerationPlatform__Cluster__ClusterId"], config["GenerationPlatform__Cluster__ServiceId"]);
    }

    [Fact]
    public void EachReleaseIsItsOwnOrleansClusterUnlessTold()
    {
        Assert.Equal(("shop-prod", "shop-prod"), Identity("prod", "shop"));
        var ids = new[] { Identity("prod", "shop"), Identity("staging", "shop"), Identity("prod", "lab") };
        Assert.Equal(3, ids.Select(i => i.Cluster).Distinct().Count());
        Assert.Equal(3, ids.Select(i => i.Service).Distinct().Count());
        Assert.Equal(("blue", "orders"), Identity("prod", "shop", "cluster: { clusterId: blue, serviceId: orders }"));
    }

    [Fact]
    public void SiloTlsMountsTheSecretAndPointsTheHostAtItsFiles()
    {
        var docs = Render(Tls);
        var config = Config(docs);
        Assert.Equal("true", config["GenerationPlatform__Cluster__Tls__Enabled"]);
        foreach (var deployment in OfKind(docs, "Deployment"))
        {
            var pod = deployment.At("spec", "template", "spec")!;
            var volume = Assert.Single(pod.Items("volumes"), v => v.Scalar("secret", "secretName") == "genplat-cluster-tls");
            var mode = int.Parse(volume.Scalar("secret", "defaultMode")!);
            Assert.Equal(0, mode & 0b111); // nothing for others
            var mount = Assert.Single(Assert.Single(pod.Items("containers")).Items("volumeMounts"), m => m.Scalar("name") == volume.Scalar("name"));
            Assert.Equal("true", mount.Scalar("readOnly"));
            var dir = mount.Scalar("mountPath")!;
            // Every path the host reads is a key of the mounted Secret (kubernetes.io/tls: tls.crt and tls.key; ca.crt as asked).
            foreach (var (key, file) in new[] { ("CertificatePath", "tls.crt"), ("KeyPath", "tls.key"), ("CaPath", "ca.crt") })
                Assert.Equal($"{dir}/{file}", config[$"GenerationPlatform__Cluster__Tls__{key}"]);
        }
        foreach (var key in config.Keys.Where(k => k.Contains("__Tls__", StringComparison.Ordinal)))
            Assert.True(HostConfiguration.Reads(key), key);

        // Without caKey every silo presents the one certificate: no CaPath.
        var pinned = Config(Render("cluster: { tls: { enabled: true, secretName: genplat-cluster-tls } }"));
        Assert.Equal("true", pinned["GenerationPlatform__Cluster__Tls__Enabled"]);
        Assert.False(pinned.ContainsKey("GenerationPlatform__Cluster__Tls__CaPath"));
        // On by default (H3): the defaults with a Secret named are silo mTLS.
        var byDefault = ChartTests.Rendered(false);
        Assert.Equal("true", Config(byDefault)["GenerationPlatform__Cluster__Tls__Enabled"]);
        Assert.All(OfKind(byDefault, "Deployment"),
            d => Assert.Contains(d.Items("spec", "template", "spec", "volumes"), v => v.Scalar("secret", "secretName") == "genplat-cluster-tls"));
        Assert.True(ChartValues.Defaults()["cluster"]!["tls"]!["enabled"]!.GetValue<bool>());
        // Without a Secret it is a render error that names the value and the way out; off only when asked for.
        foreach (var missing in new[] { "cluster: { tls: { secretName: \"\" } }", "cluster: { tls: { enabled: true, secretName: \"\" } }" })
        {
            var e = Assert.Throws<InvalidOperationException>(() => Render(missing));
            Assert.Contains("cluster.tls.secretName is required", e.Message);
            Assert.Contains("cluster.tls.enabled=false", e.Message);
        }
        var plain = Render("cluster: { tls: { enabled: false, secretName: \"\" } }");
        Assert.DoesNotContain(Config(plain).Keys, k => k.Contains("__Tls__", StringComparison.Ordinal));
        Assert.All(OfKind(plain, "Deployment"), d => Assert.DoesNotContain(d.Items("spec", "template", "spec", "volumes"), v => v.Scalar("name") == "cluster-tls"));
        // The peer name pin (N6), when given.
        Assert.Equal("silo.genplat.internal", Config(Render("cluster: { tls: { peerName: silo.genplat.internal } }"))["GenerationPlatform__Cluster__Tls__PeerName"]);
        Assert.False(Config(byDefault).ContainsKey("GenerationPlatform__Cluster__Tls__PeerName"));
    }

    [Fact]
    public void ComposePublishesOnlyOnLoopbackAndGrafanaHasNoDefaultAdmin()
    {
        var published = 0;
        foreach (var (service, _) in ComposeTests.Compose.Entries("services"))
        {
            foreach (var port in ComposeTests.Compose.Items("services", service, "ports").Select(p => ((YamlScalarNode)p).Value!))
            {
                published++;
                Assert.True(port.StartsWith("127.0.0.1:", StringComparison.Ordinal) && port.Split(':').Length == 3, $"{service} publishes {port} beyond loopback");
            }
        }
        Assert.True(published >= 4, $"{published} published ports");
        // Storage with its well-known key and the unauthenticated OTLP receiver stay on the compose network.
        Assert.Empty(ComposeTests.Compose.Items("services", "azurite", "ports"));
        Assert.Empty(ComposeTests.Compose.Items("services", "otel-collector", "ports"));

        var grafana = Map(ComposeTests.Compose, "services", "grafana", "environment");
        // ${VAR:?message}: compose refuses to start without it; there is no default password.
        Assert.Matches(@"^\$\{[A-Z_]+:\?[^}]+\}$", grafana["GF_SECURITY_ADMIN_PASSWORD"]);
        // Anonymous access is off (Grafana's default when unset), or at most Viewer.
        var anonymous = grafana.GetValueOrDefault("GF_AUTH_ANONYMOUS_ENABLED", "false");
        Assert.True(anonymous == "false" || grafana.GetValueOrDefault("GF_AUTH_ANONYMOUS_ORG_ROLE") == "Viewer", $"anonymous Grafana access: {anonymous}");
    }

    [Fact]
    public void TheIsolationKeysAreDocumented()
    {
        var operations = File.ReadAllText(Repository.PathOf("docs/OPERATIONS.md"));
        foreach (var (section, type) in new[] { (PlatformClusterOptions.Section, typeof(PlatformClusterOptions)), (ClusterTlsOptions.Section, typeof(ClusterTlsOptions)) })
            foreach (var property in type.GetProperties().Where(p => p.CanWrite))
                Assert.Contains($"`{section}:{property.Name}`", operations, StringComparison.Ordinal);
        foreach (var value in new[]
                 {
                     "networkPolicy.enabled", "networkPolicy.grpcFrom", "networkPolicy.grpcFromAnywhere", "networkPolicy.metricsFrom", "cluster.tls.enabled",
                     "cluster.tls.secretName", "cluster.tls.caKey", "cluster.tls.peerName", "cluster.clusterId", "service.allowPlaintextKeys", "modelCache.sizeLimit",
                     "secret.existingSecret", "rollout restart deployment/",
                 })
            Assert.Contains(value, operations, StringComparison.Ordinal);
    }
}
