using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;
using GenerationPlatform.Diffusion.Models;

namespace GenerationPlatform.Diffusion.Tests.Models;

/// <summary>
/// A manifest's <c>forward_flops</c> is what the platform counts verifier compute against without loading the network:
/// every shipped model states it, and it is the figure its network's layers give.
/// </summary>
public sealed class ShippedModelCostTests
{
    public static TheoryData<string> ShippedModels() =>
        new(Directory.GetDirectories(Path.Combine(ModelManifestTests.RepoRoot(), "models")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ShippedModels))]
    public void EveryShippedManifestStatesTheFlopsItsNetworkTakes(string name)
    {
        var folder = Path.Combine(ModelManifestTests.RepoRoot(), "models", name);
        var manifest = ModelManifest.Load(folder);
        using var loaded = ModelLoader.Load(manifest with { ForwardFlops = 0 }, new ModelLoadSettings());
        double counted = loaded.Network.ForwardFlops;
        Assert.True(counted > 0, $"{name}: its network does not count its FLOPs");
        Assert.True(Math.Abs(manifest.ForwardFlops - counted) <= 0.01 * counted,
            $"{name}: the manifest states {manifest.ForwardFlops:R} FLOPs per NFE, its network takes {counted:R}");
        Assert.Equal(manifest.ForwardFlops, manifest.Describe().ForwardFlops);
    }

    [Fact]
    public void AManifestWhoseFlopsAreNotItsNetworksIsRefusedNamingTheField()
    {
        var folder = Path.Combine(ModelManifestTests.RepoRoot(), "models", "velocity-unet");
        var manifest = ModelManifest.Load(folder);
        var wrong = manifest with { ForwardFlops = 2 * Math.Max(manifest.ForwardFlops, 1e6) };
        var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(wrong, new ModelLoadSettings()));
        Assert.StartsWith("forward_flops:", e.Message);
    }
}
