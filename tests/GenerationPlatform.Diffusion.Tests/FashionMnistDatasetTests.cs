using GenerationPlatform.Diffusion.Data;

namespace GenerationPlatform.Diffusion.Tests;

/// <summary>Reads the real dataset installed by the Debian package (CI installs it in .ci/run).</summary>
public sealed class FashionMnistDatasetTests
{
    [Fact]
    public void TestSplitHasTenBalancedClasses()
    {
        var split = FashionMnist.Load(train: false);
        Assert.Equal(10_000, split.Count);
        Assert.Equal(10_000 * 28 * 28, split.Pixels.Length);
        Assert.All(split.Labels.GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
        // Images are real pictures: mostly dark background with bright content.
        double mean = split.Pixels.Average(p => (double)p);
        Assert.InRange(mean, 60, 90);
    }

    [Fact]
    public void MissingFolderSaysHowToInstall()
    {
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(train: true, "/nonexistent/fashion"));
        Assert.Contains("/nonexistent/fashion", e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }
}
