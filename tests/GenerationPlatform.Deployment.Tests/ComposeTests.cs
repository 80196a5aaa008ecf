using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>docker-compose.yml, the Dockerfiles and the provisioning they mount, against what the host serves.</summary>
public sealed partial class ComposeTests
{
    internal static YamlMappingNode Compose { get; } = Repository.Documents(File.ReadAllText(Repository.PathOf("docker-compose.yml"))).Single();

    internal static IEnumerable<string> Silos => Compose.Entries("services").Select(s => s.Key).Where(s => s.StartsWith("silo-", StringComparison.Ordinal));

    /// <summary>A service's environment with YAML merge keys resolved (YamlDotNet's representation model keeps them literal).</summary>
    internal static Dictionary<string, string> Environment(string service)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Compose.Entries("services", service, "environment"))
        {
            if (key == "<<")
            {
                foreach (var (k, v) in value is YamlMappingNode m ? m.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)) : [])
                    env.TryAdd(k, ((YamlScalarNode)v).Value!);
                continue;
            }
            env[key] = ((YamlScalarNode)value).Value!;
        }
        return env;
    }

    /// <summary>What compose makes of <c>${VAR:-default}</c> and <c>${VAR-default}</c> with VAR unset.</summary>
    internal static string Unset(string value) => Regex.Replace(value, @"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", m => m.Groups[1].Value);

    internal static IEnumerable<string> Services => Compose.Entries("services").Select(s => s.Key);

    private static List<string> Profiles(string service) => Compose.Items("services", service, "profiles").Select(p => ((YamlScalarNode)p).Value!).ToList();

    /// <summary>The services <c>docker compose up</c> starts with no profile named.</summary>
    internal static List<string> DefaultServices => Services.Where(s => Profiles(s).Count == 0).ToList();

    [Fact]
    public void TheDefaultStackRunsOnACpuOnlyMachineAndTheGpuSiloIsBehindItsProfile()
    {
        Assert.Superset(new HashSet<string> { "azurite", "otel-collector", "jaeger", "prometheus", "grafana", "silo-cpu", "silo-gpu" }, Services.ToHashSet());
        Assert.Equal(["gpu"], Profiles("silo-gpu"));
        Assert.Equal(Services.Where(s => s != "silo-gpu").Order(), DefaultServices.Order());
        // Nothing in the default stack asks for a GPU, and its silo serves the model (on its CPU).
        foreach (var service in DefaultServices)
            Assert.Null(Compose.At("services", service, "deploy", "resources", "reservations", "devices"));
        var defaultSilos = Silos.Where(DefaultServices.Contains).ToList();
        Assert.Equal(["silo-cpu"], defaultSilos);
        Assert.Equal("cpu", Unset(Environment("silo-cpu")["GenerationPlatform__Silo__Accelerator"]));
        // The GPU silo: the NVIDIA device, cuda, and no silent fallback to its CPU.
        var gpu = Environment("silo-gpu");
        Assert.Equal("cuda", gpu["GenerationPlatform__Silo__Accelerator"]);
        Assert.Equal("cuda", gpu["GenerationPlatform__Models__Device"]);
        Assert.Equal("nvidia", Assert.Single(Compose.Items("services", "silo-gpu", "deploy", "resources", "reservations", "devices")).Scalar("driver"));
        Assert.Contains("--skipApiVersionCheck", Compose.Items("services", "azurite", "command").Select(c => ((YamlScalarNode)c).Value));
    }

    [Fact]
    public void ServicesWaitForWhatTheyNeedRestartAndAreCheckedWhereTheirImagesAllow()
    {
        // Every service whose image can call its own health endpoint has a healthcheck; the collector's image is its
        // binary alone (no shell, no HTTP client), so it is waited for as started.
        var noHealthcheck = new HashSet<string> { "otel-collector" };
        foreach (var service in Services)
        {
            Assert.Equal("unless-stopped", Compose.Scalar("services", service, "restart"));
            var test = Compose.Items("services", service, "healthcheck", "test").Select(t => ((YamlScalarNode)t).Value!).ToList();
            if (noHealthcheck.Contains(service)) { Assert.Empty(test); continue; }
            Assert.True(test.Count > 1 && test[0] == "CMD", $"{service}: healthcheck test {string.Join(' ', test)}");
            foreach (var field in new[] { "interval", "timeout" }) Assert.Matches(@"^[0-9]+s$", Compose.Scalar("services", service, "healthcheck", field));
            Assert.True(int.Parse(Compose.Scalar("services", service, "healthcheck", "retries")!) >= 3, service);
        }
        foreach (var service in Services)
        {
            var dependencies = Compose.Entries("services", service, "depends_on").ToList();
            Assert.True(Compose.At("services", service, "depends_on") is null or YamlMappingNode, $"{service}: depends_on without conditions");
            foreach (var (dependency, spec) in dependencies)
            {
                Assert.Contains(dependency, Services);
                var condition = spec.Scalar("condition");
                // Healthy where the dependency can say so, started where it cannot.
                Assert.Equal(Compose.At("services", dependency, "healthcheck") is null ? "service_started" : "service_healthy", condition);
                // A default service never waits for one behind a profile (compose would refuse to start).
                if (DefaultServices.Contains(service)) Assert.Contains(dependency, DefaultServices);
            }
        }
        foreach (var silo in Silos)
        {
            Assert.Equal("service_healthy", Compose.Scalar("services", silo, "depends_on", "azurite", "condition"));
            // The silos' check is readiness on the host's HTTP port.
            var env = Environment(silo);
            var test = Compose.Items("services", silo, "healthcheck", "test").Select(t => ((YamlScalarNode)t).Value!).ToList();
            Assert.Equal($"http://127.0.0.1:{env["GenerationPlatform__Host__HttpPort"]}{Silo.PlatformHost.ReadyPath}", test[^1]);
            Assert.Contains("curl", test);
        }
        // Prometheus and Grafana neither wait for the silos nor go down with them.
        foreach (var tool in new[] { "prometheus", "grafana" })
            Assert.DoesNotContain(Compose.Entries("services", tool, "depends_on"), d => d.Key.StartsWith("silo-", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^(?:(?<h>[0-9]+)h)?(?:(?<m>[0-9]+)m)?(?:(?<s>[0-9]+)s)?$")]
    private static partial Regex ComposeDuration();

    private static TimeSpan DurationOf(string text)
    {
        var m = ComposeDuration().Match(text);
        Assert.True(m.Success && text.Length > 0, $"duration {text}");
        int Part(string g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value) : 0;
        return new TimeSpan(Part("h"), Part("m"), Part("s"));
    }

    [Fact]
    public void DockerWaitsLongerThanTheHostsShutdownBeforeKillingASilo()
    {
        foreach (var silo in Silos)
        {
            var env = Environment(silo);
            var shutdown = env.TryGetValue("GenerationPlatform__Host__ShutdownTimeout", out var configured)
                ? TimeSpan.Parse(configured, System.Globalization.CultureInfo.InvariantCulture) : new Silo.PlatformHostOptions().ShutdownTimeout;
            var grace = DurationOf(Compose.Scalar("services", silo, "stop_grace_period") ?? "10s");
            Assert.True(grace >= shutdown + TimeSpan.FromSeconds(15), $"{silo}: stop_grace_period {grace} against a shutdown timeout of {shutdown}");
        }
    }

    [Fact]
    public void TracesGoThroughTheCollectorToJaegerWhoseUiIsOnLoopback()
    {
        var collector = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/otel-collector/config.yaml"))).Single();
        var traces = collector.Items("service", "pipelines", "traces", "exporters").Select(e => ((YamlScalarNode)e).Value!).ToList();
        var jaegerExporter = Assert.Single(traces, e => e.StartsWith("otlp/", StringComparison.Ordinal) || e == "otlp");
        var endpoint = collector.Scalar("exporters", jaegerExporter, "endpoint")!;
        Assert.Equal("jaeger:4317", endpoint);
        Assert.Equal("true", collector.Scalar("exporters", jaegerExporter, "tls", "insecure"));
        Assert.Contains("jaeger", Services);
        var jaeger = Compose.Entries("services", "jaeger", "environment").ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value);
        Assert.Equal("true", jaeger["COLLECTOR_OTLP_ENABLED"]);
        Assert.Equal(["127.0.0.1:16686:16686"], Compose.Items("services", "jaeger", "ports").Select(p => ((YamlScalarNode)p).Value));
        Assert.Equal("service_healthy", Compose.Scalar("services", "otel-collector", "depends_on", "jaeger", "condition"));
        // Every signal the silos' OTLP exporter sends has a pipeline (the SDK sends traces, metrics and logs).
        foreach (var signal in new[] { "traces", "metrics", "logs" })
            Assert.Contains("otlp", collector.Items("service", "pipelines", signal, "receivers").Select(r => ((YamlScalarNode)r).Value));
        // Grafana has the traces too.
        var datasources = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/grafana/provisioning/datasources/prometheus.yml"))).Single();
        var source = Assert.Single(datasources.Items("datasources"), d => d.Scalar("type") == "jaeger");
        var grafana = Compose.Entries("services", "grafana", "environment").ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!);
        Assert.Equal("http://jaeger:16686", grafana[source.Scalar("url")!.Trim('$', '{', '}')]);
    }

    [Fact]
    public void EveryMetricIsScrapedOnce()
    {
        var prometheus = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/prometheus/prometheus.yml"))).Single();
        var jobs = prometheus.Items("scrape_configs").ToList();
        // One job scrapes the silos; no job scrapes the collector (which re-exports nothing for Prometheus anyway).
        var silo = Assert.Single(jobs);
        Assert.Equal("genplat-silo", silo.Scalar("job_name"));
        Assert.Equal("/metrics", silo.Scalar("metrics_path"));
        var names = Assert.Single(silo.Items("dns_sd_configs")).Items("names").Select(n => ((YamlScalarNode)n).Value!).ToList();
        Assert.Equal(Silos.Order(), names.Order());
        Assert.Null(silo.At("static_configs"));
        foreach (var s in Silos) Assert.Equal(Environment(s)["GenerationPlatform__Host__HttpPort"], Assert.Single(silo.Items("dns_sd_configs")).Scalar("port"));
        var collector = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/otel-collector/config.yaml"))).Single();
        var exporters = collector.Entries("exporters").Select(e => e.Key).ToList();
        Assert.DoesNotContain(exporters, e => e.StartsWith("prometheus", StringComparison.Ordinal));
        Assert.Equal(["debug"], collector.Items("service", "pipelines", "metrics", "exporters").Select(e => ((YamlScalarNode)e).Value));
        // The collector publishes no port that Prometheus could be pointed at by mistake.
        Assert.Empty(Compose.Items("services", "otel-collector", "ports"));
        // The silos' OTLP export goes to the collector's receiver.
        var grpcEndpoint = collector.Scalar("receivers", "otlp", "protocols", "grpc", "endpoint")!;
        foreach (var s in Silos) Assert.Equal($"http://otel-collector:{grpcEndpoint.Split(':')[^1]}", Environment(s)["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public void SiloPortsAndStorageMatchTheHost()
    {
        foreach (var silo in Silos)
        {
            var env = Environment(silo);
            var published = Compose.Items("services", silo, "ports").Select(p => ((YamlScalarNode)p).Value!.Split(':')[^1]).ToHashSet();
            Assert.Contains(env["GenerationPlatform__Host__GrpcPort"], published);
            Assert.Contains(env["GenerationPlatform__Host__HttpPort"], published);
            Assert.Contains(env["GenerationPlatform__Host__JsonPort"], published); // HTTP/JSON for tenants without gRPC
            Assert.Equal("blob", env["GenerationPlatform__Results__Kind"]);
            Assert.Contains("TableEndpoint=http://azurite:10002", env["GenerationPlatform__Cluster__ConnectionString"]);
        }
    }

    [Fact]
    public void PrometheusLoadsTheAlertRulesItIsGiven()
    {
        var volumes = Compose.Items("services", "prometheus", "volumes").Select(v => ((YamlScalarNode)v).Value!).ToList();
        var mounted = volumes.Where(v => v.StartsWith("./", StringComparison.Ordinal)).ToDictionary(v => v.Split(':')[1], v => v.Split(':')[0]);
        Assert.All(mounted.Values, source => Assert.True(File.Exists(Repository.PathOf(source)), source));
        var config = mounted["/etc/prometheus/prometheus.yml"];
        var prometheus = Repository.Documents(File.ReadAllText(Repository.PathOf(config))).Single();
        foreach (var rules in prometheus.Items("rule_files").Select(r => ((YamlScalarNode)r).Value!))
            Assert.Equal("infra/prometheus/alerts.yml", mounted[$"/etc/prometheus/{rules}"].TrimStart('.', '/'));
        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", Compose.Items("services", "prometheus", "command").Select(c => ((YamlScalarNode)c).Value));
    }

    [Fact]
    public void GrafanaIsProvisionedFromFilesThatExist()
    {
        foreach (var volume in Compose.Items("services", "grafana", "volumes").Select(v => ((YamlScalarNode)v).Value!))
        {
            var source = volume.Split(':')[0];
            Assert.True(Directory.Exists(Repository.PathOf(source)), $"{source} does not exist");
        }
        var provider = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/grafana/provisioning/dashboards/genplat.yml"))).Single();
        var path = provider.Items("providers").Single().Scalar("options", "path");
        Assert.Contains(Compose.Items("services", "grafana", "volumes"), v => ((YamlScalarNode)v).Value!.Contains($":{path}"));
    }

    [GeneratedRegex(@"^\s*(?:ENV\s+)?(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>\S+?)\s*\\?\s*$", RegexOptions.Multiline)]
    private static partial Regex EnvLine();

    /// <summary>The ENV assignments of a Dockerfile's last stage.</summary>
    internal static Dictionary<string, string> DockerfileEnvironment(string file)
    {
        var text = File.ReadAllText(Repository.PathOf(file));
        var last = text[text.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        var envBlock = Regex.Matches(last, @"^ENV[\s\S]*?(?=^\S)", RegexOptions.Multiline).Select(m => m.Value);
        return envBlock.SelectMany(b => EnvLine().Matches(b)).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
    }

    [Theory]
    [InlineData("infra/silo-cpu.Dockerfile", "cpu")]
    [InlineData("infra/silo-gpu.Dockerfile", "cuda")]
    public void ImagesExposeTheHostsPortsRunAsNonRootAndCheckHealth(string file, string accelerator)
    {
        var text = File.ReadAllText(Repository.PathOf(file));
        var env = DockerfileEnvironment(file);
        Assert.Equal(accelerator, env["GenerationPlatform__Silo__Accelerator"]);
        var exposed = Regex.Match(text, @"^EXPOSE (.+)$", RegexOptions.Multiline).Groups[1].Value.Split(' ').ToHashSet();
        var ports = new[] { "GenerationPlatform__Host__GrpcPort", "GenerationPlatform__Host__HttpPort", "GenerationPlatform__Cluster__SiloPort" }.Select(k => env[k]).ToHashSet();
        // Exactly the host's ports: no Orleans gateway (the host's default, GatewayPort 0).
        Assert.Equal(ports.Order(), exposed.Order());
        Assert.Equal("0", env.GetValueOrDefault("GenerationPlatform__Cluster__GatewayPort", "0"));
        Assert.Matches(@"(?m)^USER app$", text);
        Assert.Contains("/healthz/live", Regex.Match(text, @"HEALTHCHECK[\s\S]*?\n(?=\S)").Value);
    }

    [Fact]
    public void TheCpuImagePublishesAndRunsTheSiloExecutable()
    {
        var text = File.ReadAllText(Repository.PathOf("infra/silo-cpu.Dockerfile"));
        Assert.Contains("GenPlatAccelerator=cpu", text);
        // The image publishes and runs the silo executable, nothing else (SiloExecutableTests: what its publish output holds).
        Assert.Matches(@"(?m)^RUN dotnet publish src/GenerationPlatform\.Silo/GenerationPlatform\.Silo\.csproj ", text);
        Assert.DoesNotMatch(@"(?m)^RUN dotnet publish (?!src/GenerationPlatform\.Silo/)", text);
        Assert.Equal("[\"dotnet\", \"/app/genplat-silo.dll\"]", Regex.Match(text, @"(?m)^ENTRYPOINT (.+)$").Groups[1].Value.Trim());
    }

    [Fact]
    public void TheGpuImageIsPyTorchsWithTheBundlesSiloOnItsLibTorch()
    {
        var text = File.ReadAllText(Repository.PathOf("infra/silo-gpu.Dockerfile"));
        // No .NET SDK and no NuGet: the bundle (infra/gpu/bundle.sh, built elsewhere) is unpacked by its own script.
        Assert.DoesNotMatch(@"(?m)^FROM \S*dotnet", text);
        Assert.DoesNotMatch(@"(?m)^\s*(RUN|&&)?\s*dotnet ", text);
        Assert.Matches(@"(?m)^FROM \$\{PYTORCH_IMAGE\} AS runtime$", text);
        Assert.Matches(@"(?m)^ARG PYTORCH_IMAGE=pytorch/pytorch:\S+-cuda13\.\d+-\S*runtime$", text);
        Assert.Matches(@"(?m)^RUN sh /tmp/genplat-bundle/unpack\.sh /tmp/genplat-bundle /app$", text);
        Assert.Equal("[\"/app/genplat-silo\"]", Regex.Match(text, @"(?m)^ENTRYPOINT (.+)$").Groups[1].Value.Trim());
        // TorchSharp runs on the image's PyTorch libtorch, at the path the build checks (and the chart's GPU pool names).
        Assert.Equal("${TORCH_LIB}", DockerfileEnvironment("infra/silo-gpu.Dockerfile")["GenerationPlatform__Models__LibTorch"]);
        Assert.StartsWith("/", GpuImageTorchLib(), StringComparison.Ordinal);
        Assert.Contains("$TORCH_LIB/libtorch_cuda.so", text);
    }

    /// <summary>The GPU image's TORCH_LIB: where its PyTorch's torch/lib lies.</summary>
    internal static string GpuImageTorchLib() =>
        Regex.Match(File.ReadAllText(Repository.PathOf("infra/silo-gpu.Dockerfile")), @"(?m)^ARG TORCH_LIB=(\S+)$").Groups[1].Value;
}
