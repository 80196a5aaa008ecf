using GenerationPlatform.Silo;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>Every configuration key and environment name the deployment files set is one something reads.</summary>
public sealed class ConfigurationKeyTests
{
    /// <summary>Names read by something other than the host's own options, and who reads them.</summary>
    private static readonly Dictionary<string, string> ReadElsewhere = new(StringComparer.Ordinal)
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "PlatformTelemetry (turns OTLP export on) and the OpenTelemetry SDK",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "the OpenTelemetry SDK's OTLP exporter",
        ["OTEL_SERVICE_NAME"] = "PlatformTelemetry and the OpenTelemetry SDK",
        ["OTEL_RESOURCE_ATTRIBUTES"] = "the OpenTelemetry SDK",
        ["DOTNET_gcServer"] = "the .NET runtime",
        ["NVIDIA_VISIBLE_DEVICES"] = "the NVIDIA container runtime",
        ["NVIDIA_DRIVER_CAPABILITIES"] = "the NVIDIA container runtime",
        ["CUDA_CACHE_PATH"] = "the CUDA driver",
    };

    private static void AssertRead(string file, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var env = environment.ToList();
        foreach (var (name, _) in env)
        {
            if (name.StartsWith("GenerationPlatform", StringComparison.Ordinal))
                Assert.True(HostConfiguration.Reads(name), $"{file} sets {name}, which the host does not read");
            else if (!ReadElsewhere.ContainsKey(name))
                // Helper variables are fine only where another value expands them, as $(NAME).
                Assert.True(env.Any(e => e.Value?.Contains($"$({name})", StringComparison.Ordinal) == true), $"{file} sets {name}, which nothing reads");
        }
    }

    [Fact]
    public void TheKeyListFollowsTheOptionsTypes()
    {
        Assert.True(HostConfiguration.Reads("GenerationPlatform:Host:GrpcPort"));
        Assert.True(HostConfiguration.Reads("GenerationPlatform__Tenants__Quotas__alpha__Weight"));
        Assert.True(HostConfiguration.Reads("GenerationPlatform__Auth__Tenants__alpha__KeySha256__3"));
        Assert.True(HostConfiguration.Reads("GenerationPlatform:Results:Retry:TimeLimit"));
        Assert.True(HostConfiguration.Reads("GenerationPlatform:Verifiers:Onnx:mine:Path"));
        Assert.False(HostConfiguration.Reads("GenerationPlatform:Host:GrpcPorts"));
        Assert.False(HostConfiguration.Reads("GenerationPlatform:Host"));
        Assert.False(HostConfiguration.Reads("GenerationPlatform__Auth__Tenants__alpha__KeySha256__first"));
        Assert.False(HostConfiguration.Reads("GenerationPlatform:Tenants:Quotas:alpha:Weight:Extra"));
        Assert.False(HostConfiguration.Reads("GenerationPlatform:Nope:Key"));
    }

    [Fact]
    public void TheChartSetsOnlyKeysTheHostReads()
    {
        var docs = ChartTests.Rendered(everything: true);
        foreach (var doc in docs)
        {
            var kind = doc.Scalar("kind");
            var name = $"{kind}/{doc.Scalar("metadata", "name")}";
            if (kind == "ConfigMap" && name.EndsWith("-config", StringComparison.Ordinal))
                AssertRead(name, doc.Entries("data").Select(e => new KeyValuePair<string, string?>(e.Key, ((YamlScalarNode)e.Value).Value)));
            if (kind == "Secret")
                AssertRead(name, doc.Entries("stringData").Select(e => new KeyValuePair<string, string?>(e.Key, ((YamlScalarNode)e.Value).Value)));
            if (kind == "Deployment")
                foreach (var container in doc.Items("spec", "template", "spec", "containers"))
                    AssertRead(name, container.Items("env").Select(e => new KeyValuePair<string, string?>(e.Scalar("name")!, e.Scalar("value"))));
        }
        Assert.Contains("GenerationPlatform__Auth__Tenants__alpha__KeySha256__0",
            ChartTests.Rendered(true).Single(d => d.Scalar("kind") == "Secret").Entries("stringData").Select(e => e.Key));
    }

    [Fact]
    public void ComposeAndTheImagesSetOnlyKeysTheHostReads()
    {
        foreach (var silo in ComposeTests.Silos)
            AssertRead($"docker-compose.yml {silo}", ComposeTests.Environment(silo).Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
        foreach (var file in new[] { "infra/silo-cpu.Dockerfile", "infra/silo-gpu.Dockerfile" })
        {
            var env = ComposeTests.DockerfileEnvironment(file);
            Assert.NotEmpty(env);
            AssertRead(file, env.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
        }
    }
}
