using System.Text.Json.Nodes;
using GenerationPlatform.Api;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// The chart with several values sets: every rendered object passes the schema checks, the values schema holds for
/// what the chart ships and refuses what it must, a values set that serves no model is refused, and the optional
/// parts (helm test, NOTES, ServiceMonitor, PrometheusRule, Ingress) render as Kubernetes and the silos expect.
/// </summary>
public sealed class ChartFeatureTests
{
    private const string Required = ChartTests.Required;
    private const string CpuOnly = "{ gpuSilos: { enabled: false }, cpuSilos: { accelerator: cpu } }";
    private const string Monitoring = "telemetry: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } }";
    private const string Ingress = "ingress: { enabled: true, host: genplat.example.com, tls: { secretName: genplat-example-tls } }";

    /// <summary>The values sets of charts/generation-platform/ci (chart-testing's convention), by name.</summary>
    private static List<string> ScenarioNames() =>
        Directory.GetFiles(Path.Combine(ChartValues.ChartDirectory, "ci"), "*-values.yaml").Order()
            .Select(f => Path.GetFileName(f)[..^"-values.yaml".Length]).ToList();

    public static TheoryData<string> Scenarios
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in ScenarioNames()) data.Add(name);
            return data;
        }
    }

    private static string[] ValuesOf(string scenario) => [File.ReadAllText(Path.Combine(ChartValues.ChartDirectory, "ci", $"{scenario}-values.yaml"))];

    [Fact]
    public void TheCiValuesSetsCoverTheChartsShapes()
    {
        Assert.Equal(["cpu-only", "default", "everything", "existing-secret", "gpu", "ingress", "monitoring"], ScenarioNames());
        Assert.Equal(ChartValues.Merged(ChartTests.Required, ChartTests.Everything).ToJsonString(), ChartValues.Merged(ValuesOf("everything")).ToJsonString());
    }

    private static List<YamlMappingNode> Render(params string[] values) => Repository.Documents(Repository.RenderChart(values));

    private static YamlMappingNode One(List<YamlMappingNode> docs, string kind) => Assert.Single(docs, d => d.Scalar("kind") == kind);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EveryRenderedObjectPassesTheSchemaChecks(string scenario)
    {
        var docs = Render(ValuesOf(scenario));
        Assert.Empty(KubernetesObjects.Problems(docs));
        Assert.Contains(docs, d => d.Scalar("kind") == "Deployment");
    }

    [Fact]
    public void TheSchemaChecksFindWhatTheyCheck()
    {
        var text = Repository.RenderChart(Required, ChartTests.Everything);
        Assert.Empty(KubernetesObjects.Problems(Repository.Documents(text)));
        foreach (var (from, to, expected) in new[]
                 {
                     ("containerPort: 5080,", "containerPort: \"5080\",", "containerPort is not a port number"),
                     ("{ name: silo, containerPort: 11111", "{ containerPort: 11111", "port 11111 has no name"),
                     ("- name: POD_NAMESPACE\n", "- name: POD_NAME\n", "env POD_NAME is defined twice"),
                     ("GenerationPlatform__Cluster__GatewayPort: \"0\"", "GenerationPlatform__Cluster__GatewayPort: 0", "is read as a number, not a string"),
                     ("  livenessProbe:\n", "  livenessProbeX:\n", "no livenessProbe"),
                     ("apiVersion: policy/v1", "apiVersion: policy/v1beta1", "expected policy/v1 for PodDisruptionBudget"),
                     ("kind: ServiceAccount", "kind: ServiceAcount", "unknown kind"),
                     ("      genplat/pool: gpu\n---\n# Source: generation-platform/templates/prometheusrule.yaml", "      genplat/pool: tpu\n---\n",
                      "selects the pods of other than exactly one Deployment"),
                     ("                  name: grpc", "                  name: grpcs", "backend port 'grpcs' is not a port of Service"),
                 })
        {
            var problems = KubernetesObjects.Problems(Repository.Documents(ReplaceFirst(text, from, to)));
            Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
        }
        // An environment variable set both in env and in the ConfigMap the container takes whole.
        var doubled = ReplaceFirst(text, "  GenerationPlatform__Host__Mode: cluster", "  GenerationPlatform__Silo__Models: \"*\"\n  GenerationPlatform__Host__Mode: cluster");
        Assert.Contains(KubernetesObjects.Problems(Repository.Documents(doubled)),
            p => p.Contains("GenerationPlatform__Silo__Models is defined in both env and ConfigMap/", StringComparison.Ordinal));
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        var i = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{from}' is not in the rendered chart");
        return string.Concat(text.AsSpan(0, i), to, text.AsSpan(i + from.Length));
    }

    [Theory]
    [InlineData("gpuSilos: { enabled: false }")]
    [InlineData("gpuSilos: { replicas: 0 }")]
    [InlineData("gpuSilos: { models: \"\" }")]
    [InlineData("{ gpuSilos: { enabled: false }, cpuSilos: { accelerator: cpu, replicas: 0 } }")]
    [InlineData("{ gpuSilos: { enabled: false }, cpuSilos: { accelerator: cpu, models: \"\" } }")]
    public void AValuesSetThatServesNoModelIsRefused(string values)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Repository.RenderChart(Required, values));
        Assert.Contains("these values serve no model", e.Message);
        Assert.Contains("cpuSilos.accelerator=cpu", e.Message);
    }

    [Fact]
    public void EveryPoolThatServesAModelIsEnough()
    {
        Assert.NotEmpty(Render(Required, CpuOnly));
        Assert.NotEmpty(Render(Required, "{ gpuSilos: { enabled: false }, cpuSilos: { accelerator: cpu, replicas: 0 }, autoscaling: { enabled: true } }"));
        Assert.NotEmpty(Render(Required, "cpuSilos: { replicas: 0 }"));
        // The other guards: no Secret at all, an ingress without a host or without TLS.
        Assert.Contains("secret.existingSecret", Assert.Throws<InvalidOperationException>(() => Repository.RenderChart("secret: { create: false }")).Message);
        Assert.Contains("ingress.host",
            Assert.Throws<InvalidOperationException>(() => Repository.RenderChart(Required, "ingress: { enabled: true, tls: { secretName: x } }")).Message);
        Assert.Contains("ingress.tls.secretName",
            Assert.Throws<InvalidOperationException>(() => Repository.RenderChart(Required, "ingress: { enabled: true, host: a.example.com }")).Message);
    }

    [Fact]
    public void ValuesYamlAndEveryScenarioMeetTheSchema()
    {
        Assert.Empty(ChartValues.Schema.Validate(ChartValues.Defaults()));
        foreach (var scenario in ScenarioNames())
            Assert.Empty(ChartValues.Schema.Validate(ChartValues.Merged(ValuesOf(scenario))));
    }

    [Theory]
    [InlineData("cpuSilos: { accelerator: gpu }", "cpuSilos.accelerator")]
    [InlineData("ports: { grpc: \"5080\" }", "ports.grpc: Invalid type")]
    [InlineData("ports: { http: 70000 }", "ports.http: Must be less than or equal to 65535")]
    [InlineData("results: { kind: s3 }", "results.kind")]
    [InlineData("cpuSilos: { replicass: 3 }", "cpuSilos.replicass")]
    [InlineData("cpuSilos: { replicas: -1 }", "cpuSilos.replicas: Must be greater than or equal to 0")]
    [InlineData("secret: { tenantKeySha256: { alpha: [\"not-a-digest\"] } }", "secret.tenantKeySha256.alpha.0: Does not match pattern")]
    [InlineData("gpuSilos: { rollingUpdate: { maxSurge: lots } }", "gpuSilos.rollingUpdate.maxSurge")]
    [InlineData("tenants: { quotas: { alpha: { Weight: 0 } } }", "tenants.quotas.alpha.Weight: Must be greater than 0")]
    [InlineData("tenants: { default: { MaxJobs: 3 } }", "tenants.default.MaxJobs")]
    [InlineData("shutdownTimeout: 2m", "shutdownTimeout: Does not match pattern")]
    [InlineData("telemetry: { prometheusRule: { alerts: { jobFailures: { ratio: 2 } } } }", "telemetry.prometheusRule.alerts.jobFailures.ratio")]
    [InlineData("ports: null", "ports is required")]
    [InlineData("image: { repository: \"\" }", "image.repository: String length")]
    [InlineData("ingress: { host: \"Not A Host\" }", "ingress.host: Does not match pattern")]
    public void TheSchemaRefusesValuesTheChartCannotUse(string values, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Repository.RenderChart(Required, values));
        Assert.Contains("values don't meet the specifications of the schema", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TheSchemaUsesOnlyKeywordsTheValidatorChecksAndClosesEveryKnownObject()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ChartValues.ChartDirectory, "values.schema.json")))!.AsObject();
        // Anything beyond the implemented subset is refused when the schema loads.
        var extended = schema.DeepClone().AsObject();
        extended["properties"]!["ports"]!["oneOf"] = new JsonArray();
        Assert.Contains("oneOf", Assert.Throws<NotSupportedException>(() => new JsonSchemaSubset(extended)).Message);
        // Every object with named properties says what else it takes, so a misspelt key is an error, not a silent default.
        void Walk(JsonNode? node, string at)
        {
            if (node is not JsonObject o) return;
            if (o["properties"] is not null) Assert.True(o.ContainsKey("additionalProperties"), $"{at} lists properties but not additionalProperties");
            foreach (var (key, child) in o)
                if (key is "properties" or "definitions") foreach (var (name, sub) in child!.AsObject()) Walk(sub, $"{at}/{key}/{name}");
                else if (key is "items" or "additionalProperties") Walk(child, $"{at}/{key}");
        }
        Walk(schema, "#");
        // The quota keys are the host's (GenerationPlatform:Tenants:Default:* binds TenantQuota).
        var quota = schema["definitions"]!["quota"]!["properties"]!.AsObject().Select(p => p.Key).Order();
        Assert.Equal(typeof(Contracts.TenantQuota).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order(), quota);
    }

    [Fact]
    public void HelmTestCallsTheHealthServiceThroughTheTenantsService()
    {
        var docs = Render(Required);
        var pod = One(docs, "Pod");
        Assert.Equal("test", pod.Scalar("metadata", "annotations", "helm.sh/hook"));
        Assert.Equal("Never", pod.Scalar("spec", "restartPolicy"));
        var container = Assert.Single(pod.Items("spec", "containers"));
        // The CPU silo image (it has curl); restricted like the silos.
        var silo = Assert.Single(Assert.Single(docs, d => d.Scalar("kind") == "Deployment" && d.Scalar("metadata", "name") == "genplat-generation-platform-cpu")
            .Items("spec", "template", "spec", "containers"));
        Assert.Equal(silo.Scalar("image"), container.Scalar("image"));
        Assert.Equal("true", container.Scalar("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("RuntimeDefault", pod.Scalar("spec", "securityContext", "seccompProfile", "type"));
        var command = container.Items("command").Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Equal(["sh", "-c"], command.Take(2));
        Assert.Contains("grpc.health.v1.Health/Check", command[2]);
        // Its target is the tenants' Service on its gRPC port.
        var service = Assert.Single(docs, d => d.Scalar("kind") == "Service" && d.Scalar("metadata", "name") == "genplat-generation-platform");
        var grpc = Assert.Single(service.Items("spec", "ports"), p => p.Scalar("name") == "grpc");
        Assert.Equal($"{service.Scalar("metadata", "name")}:{grpc.Scalar("port")}", command[^1]);

        // A NetworkPolicy that limits gRPC callers still admits the test pod.
        var limited = Render(Required, "networkPolicy: { grpcFrom: [ { namespaceSelector: { matchLabels: { team: edge } } } ] }");
        var testLabels = KubernetesObjects.Labels(One(limited, "Pod"), "metadata", "labels");
        var rule = Assert.Single(One(limited, "NetworkPolicy").Items("spec", "ingress"), r => r.Items("ports").Any(p => p.Scalar("port") == grpc.Scalar("port")));
        Assert.Contains(rule.Items("from"),
            peer => peer.At("namespaceSelector") is null && KubernetesObjects.Selects(KubernetesObjects.Labels(peer, "podSelector", "matchLabels"), testLabels));
        // Another release's test pod is not admitted, and with tests off there is no pod and no peer.
        Assert.DoesNotContain(rule.Items("from"), peer => KubernetesObjects.Selects(KubernetesObjects.Labels(peer, "podSelector", "matchLabels"),
            new Dictionary<string, string>(testLabels) { ["app.kubernetes.io/instance"] = "other" }));
        var off = Render(Required, "tests: { enabled: false }", "networkPolicy: { grpcFrom: [ { namespaceSelector: { matchLabels: { team: edge } } } ] }");
        Assert.DoesNotContain(off, d => d.Scalar("kind") == "Pod");
        Assert.Single(Assert.Single(One(off, "NetworkPolicy").Items("spec", "ingress"), r => r.Items("ports").Any(p => p.Scalar("port") == grpc.Scalar("port"))).Items("from"));
    }

    [Fact]
    public void HttpJsonIsServedNextToGrpcUnderTheSamePolicyAndOnItsOwnIngressHost()
    {
        var docs = Render(Required, "ingress: { enabled: true, host: grpc.example.com, jsonHost: api.example.com, tls: { secretName: example-tls } }");
        YamlMappingNode Config(List<YamlMappingNode> d) =>
            Assert.Single(d, x => x.Scalar("kind") == "ConfigMap" && x.Scalar("metadata", "name") == "genplat-generation-platform-config");
        Assert.Equal("5082", Config(docs).Scalar("data", "GenerationPlatform__Host__JsonPort"));
        foreach (var deployment in docs.Where(d => d.Scalar("kind") == "Deployment"))
        {
            var silo = deployment.Items("spec", "template", "spec", "containers").First();
            Assert.Contains(silo.Items("ports"), p => p.Scalar("name") == "json" && p.Scalar("containerPort") == "5082");
        }
        var service = Assert.Single(docs, d => d.Scalar("kind") == "Service" && d.Scalar("metadata", "name") == "genplat-generation-platform");
        var json = Assert.Single(service.Items("spec", "ports"), p => p.Scalar("name") == "json");
        Assert.Equal(("5082", "json"), (json.Scalar("port"), json.Scalar("targetPort")));
        // The same callers as gRPC: one rule admits both ports.
        var rule = Assert.Single(One(docs, "NetworkPolicy").Items("spec", "ingress"), r => r.Items("ports").Any(p => p.Scalar("port") == "5080"));
        Assert.Contains(rule.Items("ports"), p => p.Scalar("port") == "5082");
        var ingresses = docs.Where(d => d.Scalar("kind") == "Ingress").ToList();
        Assert.Equal(2, ingresses.Count);
        var jsonIngress = Assert.Single(ingresses, i => i.Scalar("metadata", "name") == "genplat-generation-platform-json");
        var jsonRule = Assert.Single(jsonIngress.Items("spec", "rules"));
        Assert.Equal("api.example.com", jsonRule.Scalar("host"));
        Assert.Equal("json", Assert.Single(jsonRule.Items("http", "paths")).Scalar("backend", "service", "port", "name"));
        Assert.Null(jsonIngress.Scalar("metadata", "annotations", "nginx.ingress.kubernetes.io/backend-protocol")); // HTTP/1.1, not GRPC

        // Off: no port anywhere, no second Ingress.
        var off = Render(Required, "httpJson: { enabled: false }",
            "ingress: { enabled: true, host: grpc.example.com, jsonHost: api.example.com, tls: { secretName: example-tls } }");
        Assert.Null(Config(off).Scalar("data", "GenerationPlatform__Host__JsonPort"));
        Assert.DoesNotContain(Assert.Single(off, d => d.Scalar("kind") == "Service" && d.Scalar("metadata", "name") == "genplat-generation-platform").Items("spec", "ports"),
            p => p.Scalar("name") == "json");
        Assert.Single(off, d => d.Scalar("kind") == "Ingress");
    }

    [Fact]
    public void NotesTellHowToReachTheReleaseAndTestIt()
    {
        var notes = Repository.RenderNotes(Required);
        Assert.Contains("helm test genplat -n default", notes);
        Assert.Contains("kubectl -n default port-forward svc/genplat-generation-platform 5080:5080", notes);
        Assert.Contains("rollout status deployment/genplat-generation-platform-gpu", notes);
        Assert.Contains("authorization: Bearer", notes);
        Assert.DoesNotContain("<no value>", notes);
        var cpuOnly = Repository.RenderNotes(Required, CpuOnly, Ingress, Monitoring);
        Assert.DoesNotContain("deployment/genplat-generation-platform-gpu", cpuOnly);
        Assert.Contains("genplat.example.com:443", cpuOnly);
        Assert.Contains("PrometheusRule genplat-generation-platform", cpuOnly);
        // The guards stop the notes too (helm renders everything before it prints them).
        Assert.Throws<InvalidOperationException>(() => Repository.RenderNotes(Required, "gpuSilos: { enabled: false }"));
    }

    [Fact]
    public void TheServiceMonitorNamesEachSiloByItsPod()
    {
        var monitor = One(Render(Required, Monitoring), "ServiceMonitor");
        var relabel = Assert.Single(Assert.Single(monitor.Items("spec", "endpoints")).Items("relabelings"));
        Assert.Equal(["__meta_kubernetes_pod_name"], relabel.Items("sourceLabels").Select(l => ((YamlScalarNode)l).Value));
        Assert.Equal("instance", relabel.Scalar("targetLabel"));
    }

    [Fact]
    public void ThePrometheusRuleAlertsOnThisReleasesSilosWithTheValuesThresholds()
    {
        var docs = Render(Required, Monitoring);
        var rules = Assert.Single(One(docs, "PrometheusRule").Items("spec", "groups")).Items("rules").ToList();
        Assert.Equal(["GenplatSiloDown", "GenplatNoSilo", "GenplatDenoiserQueueWaitHigh", "GenplatJobFailureRate", "GenplatResultStoreFailures", "GenplatQuotaRejections"],
            rules.Select(r => r.Scalar("alert")));
        // Every expression selects the series of this release's metrics Service (the ServiceMonitor's job) in its namespace.
        var metricsService = Assert.Single(docs, d => d.Scalar("kind") == "Service" && d.Scalar("metadata", "name")!.EndsWith("-metrics", StringComparison.Ordinal));
        var selector = $"job=\"{metricsService.Scalar("metadata", "name")}\",namespace=\"default\"";
        Assert.All(rules, r => Assert.Contains("{" + selector, r.Scalar("expr")));
        Assert.Contains("outcome=\"failed\"", rules.Single(r => r.Scalar("alert") == "GenplatResultStoreFailures").Scalar("expr"));

        var custom = Assert.Single(One(Render(Required, Monitoring,
            "telemetry: { prometheusRule: { alerts: { denoiserQueueWait: { seconds: 30, fraction: 0.01, for: 20m }, " +
            "quotaRejections: { perSecond: 5, for: 1h } } } }"), "PrometheusRule")
            .Items("spec", "groups")).Items("rules").ToList();
        var wait = custom.Single(r => r.Scalar("alert") == "GenplatDenoiserQueueWaitHigh");
        Assert.Contains("le=\"30\"", wait.Scalar("expr"));
        Assert.EndsWith("> 0.01", wait.Scalar("expr")!.TrimEnd());
        Assert.Equal("20m", wait.Scalar("for"));
        Assert.EndsWith("> 5", custom.Single(r => r.Scalar("alert") == "GenplatQuotaRejections").Scalar("expr")!.TrimEnd());
    }

    [Fact]
    public void TheIngressCarriesGrpcOverTlsToTheTenantsServiceAndOutlastsEveryStream()
    {
        var docs = Render(Required, Ingress);
        var ingress = One(docs, "Ingress");
        Assert.Equal("nginx", ingress.Scalar("spec", "ingressClassName"));
        Assert.Equal("GRPC", ingress.Scalar("metadata", "annotations", "nginx.ingress.kubernetes.io/backend-protocol"));
        // nginx must not cut a Generate or Watch stream the API keeps open.
        var longest = new RequestLimits().MaxWatchDuration.TotalSeconds;
        foreach (var timeout in new[] { "proxy-read-timeout", "proxy-send-timeout" })
            Assert.True(int.Parse(ingress.Scalar("metadata", "annotations", $"nginx.ingress.kubernetes.io/{timeout}")!) > longest, timeout);
        var tls = Assert.Single(ingress.Items("spec", "tls"));
        Assert.Equal("genplat-example-tls", tls.Scalar("secretName"));
        Assert.Equal(["genplat.example.com"], tls.Items("hosts").Select(h => ((YamlScalarNode)h).Value));
        var backend = Assert.Single(Assert.Single(ingress.Items("spec", "rules")).Items("http", "paths")).At("backend", "service")!;
        Assert.Equal("genplat-generation-platform", backend.Scalar("name"));
        Assert.Equal("grpc", backend.Scalar("port", "name"));

        // Another controller: its class name and the operator's annotations, none of nginx's.
        var other = One(Render(Required, Ingress, "ingress: { className: traefik, annotations: { traefik.ingress.kubernetes.io/router.tls: \"true\" } }"), "Ingress");
        Assert.Equal("traefik", other.Scalar("spec", "ingressClassName"));
        Assert.DoesNotContain(other.Entries("metadata", "annotations"), a => a.Key.StartsWith("nginx.", StringComparison.Ordinal));
        Assert.Equal("true", other.Scalar("metadata", "annotations", "traefik.ingress.kubernetes.io/router.tls"));
    }
}
