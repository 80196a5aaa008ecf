using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Verifiers.ResNet;
using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.Tests;

public sealed class ResNetProbeTrainerTests
{
    [Fact]
    public void BalancedSubsetTakesEqualSharesPerClass()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => (byte)(i % 10)).ToArray();
        var subset = ResNetProbeTrainer.BalancedSubset(labels, 95, seed: 3);
        Assert.Equal(95, subset.Length);
        Assert.Equal(95, subset.Distinct().Count());
        var counts = subset.GroupBy(i => labels[i]).Select(g => g.Count()).ToList();
        Assert.Equal(10, counts.Count);
        Assert.True(counts.Max() - counts.Min() <= 1);
        Assert.Equal(subset, ResNetProbeTrainer.BalancedSubset(labels, 95, seed: 3));
        Assert.NotEqual(subset, ResNetProbeTrainer.BalancedSubset(labels, 95, seed: 4));
        Assert.Equal(1000, ResNetProbeTrainer.BalancedSubset(labels, 5000, seed: 3).Distinct().Count());
    }

    [Fact]
    public void BalancedSubsetGivesAShortClassesShortfallToTheOthers()
    {
        byte[] labels = [.. Enumerable.Repeat((byte)0, 2), .. Enumerable.Repeat((byte)1, 50), .. Enumerable.Repeat((byte)2, 50)];
        var subset = ResNetProbeTrainer.BalancedSubset(labels, 30, seed: 1);
        Assert.Equal(30, subset.Length);
        Assert.Equal(2, subset.Count(i => labels[i] == 0));
    }

    [Fact]
    public void FitSeparatesLinearlySeparableFeatures()
    {
        // Ten Gaussian clusters in feature space, non-negative like ReLU features.
        manual_seed(1);
        using var centers = rand(10, ResNet18Features.FeatureDim) * 3f;
        using var labels = arange(500, dtype: ScalarType.Int64).remainder(10);
        using var features = (centers.index_select(0, labels) + randn(500, ResNet18Features.FeatureDim)).relu();
        using var head = ResNetProbeTrainer.Fit(features, labels, new ResNetProbeOptions(Epochs: 20, BatchSize: 64));
        Assert.True(ResNetProbeTrainer.Accuracy(head, features, labels) > 0.98);
    }

    [Fact]
    public void ImagesAreScaledToMinusOneToOne()
    {
        var pixels = new byte[2 * 784];
        pixels[784] = 255;
        var split = new FashionMnistSplit(pixels, [0, 1], 2);
        Assert.Equal(-1f, ResNetProbeTrainer.Image(split, 0)[0]);
        Assert.Equal(1f, ResNetProbeTrainer.Image(split, 1)[0]);
    }
}
