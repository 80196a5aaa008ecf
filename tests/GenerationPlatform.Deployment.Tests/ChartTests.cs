using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>The Helm chart, rendered with the template engine helm uses, checked against what the silo host serves.</summary>
public sealed class ChartTests
{
    /// <summary>What every install must set: the storage connection (and a tenant), and the silo TLS Secret (silo mTLS is on by default).</summary>
    internal const string Required = """
        secret: { storageConnectionString: "UseDevelopmentStorage=true", tenantKeySha256: { alpha: ["c663f32581668ec9a37bc1fd78bbeb9b03d19c9fe1765b0fb6c1f8bfd221b443"] } }
        cluster: { tls: { secretName: genplat-cluster-tls } }
        """;

    internal const string Everything = """
        tenants: { quotas: { alpha: { MaxConcurrentJobs: 16, Weight: 2 } } }
        telemetry: { otlpEndpoint: "http://otel-collector:4317", serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } }
        ingress: { enabled: true, host: genplat.example.com, tls: { secretName: genplat-example-tls } }
        autoscaling: { enabled: true }
        orleansDashboard: { enabled: true, passwordSha256: 3a12012f8f999f79f940f6197fbb9741cf1fdd67cb29b37714883ef26c23f560 }
        cluster: { tls: { enabled: true, secretName: genplat-cluster-tls, caKey: ca.crt } }
        networkPolicy: { grpcFrom: [ { namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress } } } ] }
        """;

    private static readonly Lazy<List<YamlMappingNode>> Default = new(() => Repository.Documents(Repository.RenderChart(Required)));
    private static readonly Lazy<List<YamlMappingNode>> Full = new(() => Repository.Documents(Repository.RenderChart(Required, Everything)));

    internal static List<YamlMappingNode> Rendered(bool everything) => everything ? Full.Value : Default.Value;

    private static IEnumerable<YamlMappingNode> OfKind(List<YamlMappingNode> docs, string kind) => docs.Where(d => d.Scalar("kind") == kind);

    private static YamlMappingNode Single(List<YamlMappingNode> docs, string kind, string nameSuffix) =>
        Assert.Single(docs, d => d.Scalar("kind") == kind && d.Scalar("metadata", "name")!.EndsWith(nameSuffix, StringComparison.Ordinal));

    internal static Dictionary<string, string> Config(List<YamlMappingNode> docs) =>
        Single(docs, "ConfigMap", "-config").Entries("data").ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!);

    [Fact]
    public void DefaultValuesRenderTheCoreObjects()
    {
        var docs = Rendered(false);
        var kinds = docs.Select(d => $"{d.Scalar("kind")}/{d.Scalar("metadata", "name")}").ToList();
        foreach (var expected in new[] { "Deployment/genplat-generation-platform-cpu", "Deployment/genplat-generation-platform-gpu", "Service/genplat-generation-platform",
                     "PodDisruptionBudget/genplat-generation-platform-cpu", "PodDisruptionBudget/genplat-generation-platform-gpu",
                     "Secret/genplat-generation-platform-secrets", "ConfigMap/genplat-generation-platform-config", "Pod/genplat-generation-platform-test-health" })
            Assert.Contains(expected, kinds);
        Assert.DoesNotContain(docs, d => d.Scalar("kind") is "ServiceMonitor" or "HorizontalPodAutoscaler" or "PrometheusRule" or "Ingress");
        var full = Rendered(true);
        Assert.Single(OfKind(full, "ServiceMonitor"));
        Assert.Single(OfKind(full, "HorizontalPodAutoscaler"));
        // With autoscaling the HPA owns the CPU pool's replica count.
        Assert.Null(Single(full, "Deployment", "-cpu").At("spec", "replicas"));
    }

    [Fact]
    public void AMissingStorageConnectionIsARenderError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Repository.RenderChart("cluster: { tls: { secretName: genplat-cluster-tls } }"));
        Assert.Contains("secret.storageConnectionString is required", e.Message);
        var docs = Repository.Documents(Repository.RenderChart("secret: { existingSecret: ops-genplat }", "cluster: { tls: { secretName: genplat-cluster-tls } }"));
        Assert.DoesNotContain(docs, d => d.Scalar("kind") == "Secret");
        foreach (var deployment in OfKind(docs, "Deployment"))
            Assert.Contains(deployment.Items("spec", "template", "spec", "volumes"), v => v.Scalar("secret", "secretName") == "ops-genplat");
    }

    [Fact]
    public void TheOrleansDashboardIsEnabledOnlyWithItsPassword()
    {
        // A silo with the dashboard on and no password does not start (M2): the render refuses it first, naming the value.
        var e = Assert.Throws<InvalidOperationException>(() => Repository.RenderChart(Required, "orleansDashboard: { enabled: true }"));
        Assert.Contains("orleansDashboard.passwordSha256 is required", e.Message);
        var full = Rendered(true);
        var hash = ChartValues.Merged(Required, Everything)["orleansDashboard"]!["passwordSha256"]!.GetValue<string>();
        Assert.Equal(hash, Single(full, "Secret", "-secrets").Scalar("stringData", "GenerationPlatform__Dashboard__PasswordSha256"));
        Assert.Equal("admin", Config(full)["GenerationPlatform__Dashboard__User"]);
        Assert.DoesNotContain(Config(full).Keys, k => k.Contains("PasswordSha256", StringComparison.Ordinal));
        // The password is read at start: a new one rolls the pods.
        static string Checksum(List<YamlMappingNode> docs) => Single(docs, "Deployment", "-cpu").Scalar("spec", "template", "metadata", "annotations", "checksum/secret")!;
        var other = Repository.Documents(Repository.RenderChart(Required, Everything, $"orleansDashboard: {{ passwordSha256: \"{new string('0', 63)}1\" }}"));
        Assert.NotEqual(Checksum(full), Checksum(other));
        // With an existing Secret the hash is kept there (the chart cannot see it).
        Assert.NotEmpty(Repository.RenderChart(Required, "secret: { existingSecret: ops-genplat }", "orleansDashboard: { enabled: true }"));
        Assert.Throws<InvalidOperationException>(() => Repository.RenderChart(Required, "orleansDashboard: { passwordSha256: not-hex }"));
    }

    private static YamlNode Container(YamlMappingNode deployment) => Assert.Single(deployment.Items("spec", "template", "spec", "containers"));

    private static Dictionary<string, int> Ports(YamlNode container) =>
        container.Items("ports").ToDictionary(p => p.Scalar("name")!, p => int.Parse(p.Scalar("containerPort")!));

    [Theory]
    [InlineData("-cpu")]
    [InlineData("-gpu")]
    public void SilosListenWhereTheHostIsConfiguredToAndAreProbedOnItsHealthEndpoints(string pool)
    {
        var docs = Rendered(true);
        var config = Config(docs);
        var deployment = Single(docs, "Deployment", pool);
        var container = Container(deployment);
        var ports = Ports(container);
        Assert.Equal(int.Parse(config["GenerationPlatform__Host__GrpcPort"]), ports["grpc"]);
        Assert.Equal(int.Parse(config["GenerationPlatform__Host__HttpPort"]), ports["http"]);
        Assert.Equal(int.Parse(config["GenerationPlatform__Cluster__SiloPort"]), ports["silo"]);
        Assert.Equal(int.Parse(config["GenerationPlatform__Host__JsonPort"]), ports["json"]);
        // No Orleans gateway: the API is in the silo's process.
        Assert.Equal("0", config["GenerationPlatform__Cluster__GatewayPort"]);
        Assert.Equal(["grpc", "http", "json", "silo"], ports.Keys.Order());
        Assert.Equal("true", config["GenerationPlatform__Dashboard__Enabled"]);
        foreach (var (probe, path) in new[] { ("startupProbe", "/healthz/ready"), ("readinessProbe", "/healthz/ready"), ("livenessProbe", "/healthz/live") })
        {
            Assert.Equal(path, container.Scalar(probe, "httpGet", "path"));
            Assert.Equal("http", container.Scalar(probe, "httpGet", "port"));
        }
        // Other silos reach this one at its pod IP.
        var advertised = Assert.Single(container.Items("env"), e => e.Scalar("name") == "GenerationPlatform__Cluster__AdvertisedIp");
        Assert.Equal("status.podIP", advertised.Scalar("valueFrom", "fieldRef", "fieldPath"));
        // CPU pool: a new silo joins before an old one leaves. GPU pool: no spare GPU needed, so one old silo leaves
        // first and its replacement takes the GPU it freed (a surge pod would stay Pending on a full GPU pool).
        var (surge, unavailable) = pool == "-gpu" ? ("0", "1") : ("1", "0");
        Assert.Equal(surge, deployment.Scalar("spec", "strategy", "rollingUpdate", "maxSurge"));
        Assert.Equal(unavailable, deployment.Scalar("spec", "strategy", "rollingUpdate", "maxUnavailable"));
        // Kubernetes waits longer than the host's own graceful shutdown before SIGKILL.
        var grace = int.Parse(deployment.Scalar("spec", "template", "spec", "terminationGracePeriodSeconds")!);
        Assert.True(grace > TimeSpan.Parse(config["GenerationPlatform__Host__ShutdownTimeout"]).TotalSeconds + 5, $"grace {grace}s");
        Assert.Equal("true", deployment.Scalar("spec", "template", "spec", "securityContext", "runAsNonRoot"));
    }

    [Fact]
    public void GpuSilosRequestAGpuOnGpuNodesAndDeclareTheAccelerator()
    {
        var docs = Rendered(false);
        var gpu = Single(docs, "Deployment", "-gpu");
        var container = Container(gpu);
        Assert.Equal("1", container.Scalar("resources", "limits", "nvidia.com/gpu"));
        Assert.Equal("true", gpu.Scalar("spec", "template", "spec", "nodeSelector", "nvidia.com/gpu.present"));
        Assert.Contains(gpu.Items("spec", "template", "spec", "tolerations"), t => t.Scalar("key") == "nvidia.com/gpu");
        Assert.Equal("cuda", Env(container, "GenerationPlatform__Silo__Accelerator"));
        // The GPU pool insists on CUDA: a silo whose CUDA stack does not load fails instead of serving from its CPU.
        Assert.Equal("cuda", Env(container, "GenerationPlatform__Models__Device"));
        // TorchSharp runs there on the GPU image's PyTorch libtorch (the image carries no other); the CPU pool keeps its own.
        Assert.Equal(ComposeTests.GpuImageTorchLib(), Env(container, "GenerationPlatform__Models__LibTorch"));
        var cpu = Container(Single(docs, "Deployment", "-cpu"));
        Assert.DoesNotContain(cpu.Items("env"), e => e.Scalar("name") == "GenerationPlatform__Models__LibTorch");
        Assert.Null(cpu.At("resources", "limits", "nvidia.com/gpu"));
        Assert.Equal("none", Env(cpu, "GenerationPlatform__Silo__Accelerator"));
        Assert.Equal("cpu", Env(cpu, "GenerationPlatform__Models__Device"));
        // A cluster without GPUs: the CPU pool serves the models, and nothing of the GPU pool renders.
        var cpuOnly = Repository.Documents(Repository.RenderChart(Required, "gpuSilos: { enabled: false }", "cpuSilos: { accelerator: cpu }"));
        Assert.DoesNotContain(cpuOnly, d => d.Scalar("metadata", "name")!.EndsWith("-gpu"));
        Assert.Equal("cpu", Env(Container(Single(cpuOnly, "Deployment", "-cpu")), "GenerationPlatform__Silo__Accelerator"));
        // The Dockerfile of the GPU image says the same.
        Assert.Equal("cuda", ComposeTests.DockerfileEnvironment("infra/silo-gpu.Dockerfile")["GenerationPlatform__Models__Device"]);
    }

    internal static string? Env(YamlNode container, string name) =>
        Assert.Single(container.Items("env"), e => e.Scalar("name") == name).Scalar("value");

    [Fact]
    public void EachPoolHasItsOwnDisruptionBudgetAndSpreadsOverNodesAndZones()
    {
        var docs = Rendered(false);
        foreach (var pool in new[] { "cpu", "gpu" })
        {
            var deployment = Single(docs, "Deployment", $"-{pool}");
            var podLabels = KubernetesObjects.Labels(deployment, "spec", "template", "metadata", "labels");
            var other = KubernetesObjects.Labels(Single(docs, "Deployment", pool == "cpu" ? "-gpu" : "-cpu"), "spec", "template", "metadata", "labels");
            var pdb = Single(docs, "PodDisruptionBudget", $"-{pool}");
            var selector = KubernetesObjects.Labels(pdb, "spec", "selector", "matchLabels");
            // Its own pool only: a drain cannot take the only GPU silo because the CPU pool has room in a shared budget.
            Assert.True(KubernetesObjects.Selects(selector, podLabels));
            Assert.False(KubernetesObjects.Selects(selector, other));
            Assert.Equal("1", pdb.Scalar("spec", "maxUnavailable"));
            Assert.Equal("AlwaysAllow", pdb.Scalar("spec", "unhealthyPodEvictionPolicy"));
            var spread = deployment.Items("spec", "template", "spec", "topologySpreadConstraints").ToList();
            Assert.Equal(["kubernetes.io/hostname", "topology.kubernetes.io/zone"], spread.Select(c => c.Scalar("topologyKey")));
            Assert.All(spread, c =>
            {
                Assert.True(KubernetesObjects.Selects(KubernetesObjects.Labels(c, "labelSelector", "matchLabels"), podLabels));
                Assert.False(KubernetesObjects.Selects(KubernetesObjects.Labels(c, "labelSelector", "matchLabels"), other));
            });
        }
        var custom = Repository.Documents(Repository.RenderChart(Required,
            "gpuSilos: { podDisruptionBudget: { enabled: false }, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }",
            "cpuSilos: { podDisruptionBudget: { maxUnavailable: 25% }, topologySpreadConstraints: [] }"));
        Assert.Equal("25%", Single(custom, "PodDisruptionBudget", "-cpu").Scalar("spec", "maxUnavailable"));
        Assert.DoesNotContain(custom, d => d.Scalar("kind") == "PodDisruptionBudget" && d.Scalar("metadata", "name")!.EndsWith("-gpu", StringComparison.Ordinal));
        Assert.Equal("1", Single(custom, "Deployment", "-gpu").Scalar("spec", "strategy", "rollingUpdate", "maxSurge"));
        Assert.Null(Single(custom, "Deployment", "-cpu").At("spec", "template", "spec", "topologySpreadConstraints"));
        // No GPU pool, no GPU budget.
        Assert.DoesNotContain(Repository.Documents(Repository.RenderChart(Required, "gpuSilos: { enabled: false }", "cpuSilos: { accelerator: cpu }")),
            d => d.Scalar("kind") == "PodDisruptionBudget" && d.Scalar("metadata", "name")!.EndsWith("-gpu", StringComparison.Ordinal));
    }

    [Fact]
    public void TheServiceSelectsEverySilo()
    {
        var docs = Rendered(true);
        var service = Single(docs, "Service", "platform");
        foreach (var deployment in OfKind(docs, "Deployment"))
        {
            var labels = deployment.Entries("spec", "template", "metadata", "labels").ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value);
            Assert.All(service.Entries("spec", "selector"), s => Assert.Equal(((YamlScalarNode)s.Value).Value, labels.GetValueOrDefault(s.Key)));
        }
        // The tenants' Service carries gRPC and HTTP/JSON and nothing else (no /metrics, no /dashboard).
        Assert.Equal(["grpc", "json"], service.Items("spec", "ports").Select(p => p.Scalar("name")));
        var grpc = service.Items("spec", "ports").First();
        Assert.Equal("grpc", grpc.Scalar("name"));
        Assert.Equal("grpc", grpc.Scalar("targetPort"));
        Assert.Equal("kubernetes.io/h2c", grpc.Scalar("appProtocol"));
    }

    [Fact]
    public void DashboardsShipAsConfigMapsWithTheInfraJson()
    {
        var docs = Rendered(false);
        var shipped = Directory.GetFiles(Repository.PathOf("infra/grafana/dashboards"), "*.json");
        Assert.NotEmpty(shipped);
        foreach (var file in shipped)
        {
            var name = Path.GetFileName(file);
            var map = Assert.Single(OfKind(docs, "ConfigMap"), d => d.At("data", name) is not null);
            Assert.Equal("1", map.Scalar("metadata", "labels", "grafana_dashboard"));
            Assert.Equal(File.ReadAllText(file).TrimEnd(), map.Scalar("data", name)!.TrimEnd());
        }
    }
}
