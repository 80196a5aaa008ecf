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

    [Fact]
    public void TheStackHasTwoSilosOneDeclaringTheAcceleratorAndTheServicesTheyNeed()
    {
        var services = Compose.Entries("services").Select(s => s.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "azurite", "otel-collector", "prometheus", "grafana" }, services);
        var accelerators = Silos.Select(s => Environment(s)["GenerationPlatform__Silo__Accelerator"]).ToList();
        Assert.Equal(2, accelerators.Count);
        Assert.Contains("cuda", accelerators);
        Assert.Contains("--skipApiVersionCheck", Compose.Items("services", "azurite", "command").Select(c => ((YamlScalarNode)c).Value));
    }

    [Fact]
    public void SiloPortsAndScrapeTargetsMatchTheHostsPorts()
    {
        var prometheus = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/prometheus/prometheus.yml"))).Single();
        var targets = prometheus.Items("scrape_configs").Single(j => j.Scalar("job_name") == "genplat-silo")
            .Items("static_configs").SelectMany(c => c.Items("targets")).Select(t => ((YamlScalarNode)t).Value!).ToHashSet();
        var collector = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/otel-collector/config.yaml"))).Single();
        var grpcEndpoint = collector.Scalar("receivers", "otlp", "protocols", "grpc", "endpoint")!;
        foreach (var silo in Silos)
        {
            var env = Environment(silo);
            var published = Compose.Items("services", silo, "ports").Select(p => ((YamlScalarNode)p).Value!.Split(':')[^1]).ToHashSet();
            Assert.Contains(env["GenerationPlatform__Host__GrpcPort"], published);
            Assert.Contains(env["GenerationPlatform__Host__HttpPort"], published);
            Assert.Contains($"{silo}:{env["GenerationPlatform__Host__HttpPort"]}", targets);
            Assert.Equal("blob", env["GenerationPlatform__Results__Kind"]);
            Assert.Contains("TableEndpoint=http://azurite:10002", env["GenerationPlatform__Cluster__ConnectionString"]);
            // Traces and metrics go to the collector's OTLP gRPC receiver.
            Assert.Equal($"http://otel-collector:{grpcEndpoint.Split(':')[^1]}", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        }
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
        Assert.Contains($"GenPlatAccelerator={accelerator}", text);
        Assert.Contains("\"serve\"", text);
    }
}
