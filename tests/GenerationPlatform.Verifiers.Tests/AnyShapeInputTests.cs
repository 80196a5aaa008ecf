using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Tests;

/// <summary>The Fashion-MNIST verifiers score any model's images: RGB of any size is read as its 28x28 brightness (the brightest channel).</summary>
public sealed class AnyShapeInputTests
{
    private static float[] Gray(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 784).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void AGreyRgbImageScoresAsItsGrayscaleOriginal()
    {
        using var catalog = new VerifierCatalog();
        var classifier = catalog.Get("classifier");
        var gray = Gray(4);
        float[] rgb = [.. gray, .. gray, .. gray]; // R = G = B: the brightest channel is the original
        var scores = classifier.Score([new VerifierInput(gray, 7), new VerifierInput(rgb, 7, Shape: new ImageShape(3, 28, 28))]);
        Assert.Equal(scores[0], scores[1], 5);
    }

    [Fact]
    public void ImagesOfOtherSizesAreResizedAndAWrongLengthForTheDeclaredShapeIsRefused()
    {
        using var catalog = new VerifierCatalog();
        var classifier = catalog.Get("classifier");
        var big = new float[3 * 32 * 32];
        Array.Fill(big, 0.25f);
        var score = classifier.Score([new VerifierInput(big, 2, Shape: new ImageShape(3, 32, 32))]);
        Assert.True(double.IsFinite(score[0]));
        var e = Assert.Throws<ArgumentException>(() => classifier.Score([new VerifierInput(big, 2, Shape: new ImageShape(3, 28, 28))]));
        Assert.Contains("3x28x28", e.Message);
    }
}
