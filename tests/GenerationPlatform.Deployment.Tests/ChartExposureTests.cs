using System.Globalization;
using GenerationPlatform.Contracts;
using GenerationPlatform.Silo;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// What the chart refuses to expose and how it hands the silos their secrets and their model cache: no NetworkPolicy rule that admits every
/// source and no plaintext API port published beyond the cluster unless asked for by name, the Secret mounted as the folder the silos
/// follow (so a rotated key needs no restart, and only what is read at start rolls the pods), and a model cache volume that holds twice
/// the silos' download cap.
/// </summary>
public sealed class ChartExposureTests
{
    private static List<YamlMappingNode> Render(params string[] values) => Repository.Documents(Repository.RenderChart([ChartTests.Required, .. values]));

    private static IEnumerable<YamlMappingNode> OfKind(List<YamlMappingNode> docs, string kind) => docs.Where(d => d.Scalar("kind") == kind);

    private static YamlNode ApiRule(List<YamlMappingNode> docs) =>
        Assert.Single(Assert.Single(OfKind(docs, "NetworkPolicy")).Items("spec", "ingress"), r => r.Items("ports").Any(p => p.Scalar("port") == "5080"));

    [Fact]
    public void AnEmptyGrpcFromIsRefusedUnlessEverySourceIsAskedForByName()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Render("networkPolicy: { grpcFrom: [] }"));
        Assert.Contains("networkPolicy.grpcFrom is empty", e.Message);
        Assert.Contains("networkPolicy.grpcFromAnywhere=true", e.Message);
        // Asked for: one rule without "from" (every source), whatever grpcFrom says.
        Assert.Null(ApiRule(Render("networkPolicy: { grpcFrom: [], grpcFromAnywhere: true }")).At("from"));
        Assert.Null(ApiRule(Render("networkPolicy: { grpcFromAnywhere: true }")).At("from"));
        // Listed peers, and no policy at all when the operator turns it off.
        Assert.NotEmpty(ApiRule(Render("networkPolicy: { grpcFrom: [ { namespaceSelector: { matchLabels: { team: edge } } } ] }")).Items("from"));
        Assert.Empty(OfKind(Render("networkPolicy: { enabled: false, grpcFrom: [] }"), "NetworkPolicy"));
        // Every shipped values set admits named peers only.
        foreach (var file in Directory.GetFiles(Path.Combine(ChartValues.ChartDirectory, "ci"), "*-values.yaml"))
            Assert.NotEmpty(ApiRule(Repository.Documents(Repository.RenderChart(File.ReadAllText(file)))).Items("from"));
    }

    [Theory]
    [InlineData("LoadBalancer")]
    [InlineData("NodePort")]
    public void PlaintextApiPortsArePublishedBeyondTheClusterOnlyWhenAllowedByName(string type)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Render($"service: {{ type: {type} }}"));
        Assert.Contains($"service.type {type} publishes the API ports beyond the cluster in plaintext", e.Message);
        Assert.Contains("service.allowPlaintextKeys=true", e.Message);
        // An ingress (TLS) does not make the Service's own ports TLS.
        Assert.Throws<InvalidOperationException>(() => Render($"service: {{ type: {type} }}",
            "ingress: { enabled: true, host: genplat.example.com, tls: { secretName: genplat-example-tls } }"));
        static string TenantsServiceType(List<YamlMappingNode> docs) =>
            Assert.Single(OfKind(docs, "Service"), s => s.Scalar("metadata", "name") == "genplat-generation-platform").Scalar("spec", "type")!;
        Assert.Equal(type, TenantsServiceType(Render($"service: {{ type: {type}, allowPlaintextKeys: true }}")));
        Assert.Equal("ClusterIP", TenantsServiceType(ChartTests.Rendered(false)));
    }

    private static string SecretChecksum(List<YamlMappingNode> docs) =>
        OfKind(docs, "Deployment").Select(d => d.Scalar("spec", "template", "metadata", "annotations", "checksum/secret")!).Distinct().Single();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheSecretIsTheFolderTheSilosFollowAndOnlyWhatIsReadAtStartRollsThePods(bool existing)
    {
        var docs = existing ? Render("secret: { existingSecret: ops-genplat }") : ChartTests.Rendered(false);
        var config = ChartTests.Config(docs);
        var folder = config["GenerationPlatform__Host__SecretsFolder"];
        Assert.True(HostConfiguration.Reads("GenerationPlatform__Host__SecretsFolder"));
        var name = existing ? "ops-genplat" : "genplat-generation-platform-secrets";
        foreach (var deployment in OfKind(docs, "Deployment"))
        {
            var pod = deployment.At("spec", "template", "spec")!;
            var container = Assert.Single(pod.Items("containers"));
            var mount = Assert.Single(container.Items("volumeMounts"), m => m.Scalar("mountPath") == folder);
            Assert.Equal("true", mount.Scalar("readOnly"));
            Assert.Null(mount.At("subPath")); // a subPath mount is never updated by the kubelet
            var volume = Assert.Single(pod.Items("volumes"), v => v.Scalar("name") == mount.Scalar("name"));
            Assert.Equal(name, volume.Scalar("secret", "secretName"));
            Assert.Equal(0, int.Parse(volume.Scalar("secret", "defaultMode")!, CultureInfo.InvariantCulture) & 0b111);
            // Not also environment: a variable would hold the value the pod started with, and the folder would not be the one source.
            Assert.DoesNotContain(container.Items("envFrom"), f => f.At("secretRef") is not null);
        }
        if (existing)
        {
            // helm template cannot see an existing Secret (lookup finds nothing): the checksum is steady; helm upgrade sees it.
            Assert.Equal(SecretChecksum(docs), SecretChecksum(Render("secret: { existingSecret: ops-genplat }", "tenants: { quotas: { alpha: { Weight: 3 } } }")));
            return;
        }
        // Every key of the generated Secret is a file name the host reads from the folder.
        foreach (var (key, _) in Assert.Single(OfKind(docs, "Secret")).Entries("stringData"))
        {
            Assert.DoesNotContain('/', key);
            Assert.True(HostConfiguration.Reads(key), key);
        }
        // A new tenant key is followed without a restart: the pods keep their checksum. A new connection string rolls them.
        var rotatedKey = Render("secret: { tenantKeySha256: { alpha: [\"" + new string('a', 64) + "\"], beta: [\"" + new string('b', 64) + "\"] } }");
        Assert.Equal(SecretChecksum(docs), SecretChecksum(rotatedKey));
        Assert.NotEqual(SecretChecksum(docs), SecretChecksum(Render("secret: { storageConnectionString: \"UseDevelopmentStorage=true;x=1\" }")));
    }

    private static long Bytes(string quantity) =>
        long.Parse(quantity[..^2], CultureInfo.InvariantCulture) * (quantity.EndsWith("Gi", StringComparison.Ordinal) ? 1L << 30 : 1L << 20);

    [Theory]
    [InlineData("", 1L << 30)]
    [InlineData("modelCache: { sizeLimit: 512Mi }", 256L << 20)]
    [InlineData("modelCache: { sizeLimit: 40Gi }", 20L << 30)]
    public void TheModelCacheVolumeHoldsTwiceTheSilosDownloadCap(string values, long cap)
    {
        var docs = Render(values);
        var config = ChartTests.Config(docs);
        Assert.Equal(cap, long.Parse(config["GenerationPlatform__Models__MaxDownloadBytes"], CultureInfo.InvariantCulture));
        var cache = config["GenerationPlatform__Models__CacheDirectory"];
        Assert.True(HostConfiguration.Reads("GenerationPlatform__Models__MaxDownloadBytes"));
        // Not the host's default (/tmp), which is the pools' small /tmp emptyDir.
        Assert.StartsWith(Path.GetTempPath().TrimEnd('/'), new ModelOptions().CacheDirectory);
        Assert.False(cache.StartsWith("/tmp", StringComparison.Ordinal));
        foreach (var deployment in OfKind(docs, "Deployment"))
        {
            var pod = deployment.At("spec", "template", "spec")!;
            var mount = Assert.Single(Assert.Single(pod.Items("containers")).Items("volumeMounts"), m => m.Scalar("mountPath") == cache);
            var size = Assert.Single(pod.Items("volumes"), v => v.Scalar("name") == mount.Scalar("name")).Scalar("emptyDir", "sizeLimit")!;
            // A restarted container downloads a folder again beside its previous copy: room for both.
            Assert.True(Bytes(size) >= 2 * cap, $"{deployment.Scalar("metadata", "name")}: {size} for a cap of {cap} bytes");
        }
        var e = Assert.Throws<InvalidOperationException>(() => Render("modelCache: { sizeLimit: 2G }"));
        Assert.Contains("modelCache.sizeLimit", e.Message);
    }
}
