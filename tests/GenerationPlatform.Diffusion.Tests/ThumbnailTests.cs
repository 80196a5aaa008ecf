using GenerationPlatform.Core.Model;
using GenerationPlatform.Diffusion.Imaging;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class ThumbnailTests
{
    /// <summary>Pixel value v (0-255) as a model image value in [-1, 1].</summary>
    private static float Value(int v) => v / 127.5f - 1f;

    [Fact]
    public void AnImageThatFitsIsEncodedAtItsOwnSize()
    {
        var shape = new ImageShape(1, 28, 28);
        var image = Enumerable.Range(0, 784).Select(i => Value(i % 256)).ToArray();
        Assert.Equal(ImageGrid.EncodePng(image, shape), Thumbnail.EncodePng(image, shape, maxSide: 64));
    }

    [Fact]
    public void ALargerImageIsScaledDownByTheSmallestWholeFactorEachPixelItsBlocksMean()
    {
        // 3 x 150 x 100 into 64 pixels a side: factor 3, so 50 x 34 (the last column of blocks one pixel wide).
        var shape = new ImageShape(3, 150, 100);
        var image = new float[3 * 150 * 100];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 150; y++)
                for (int x = 0; x < 100; x++)
                    image[(c * 150 + y) * 100 + x] = Value(c == 0 ? (x % 3) * 60 : c == 1 ? y % 256 : 200);
        var (pixels, small, grayscale) = ImageGrid.DecodeRgb(Thumbnail.EncodePng(image, shape, maxSide: 64));
        Assert.False(grayscale);
        Assert.Equal(new ImageShape(3, 50, 34), small);
        int plane = 50 * 34;
        // Red: columns 0, 60, 120 in every block of three: mean 60; the last block holds column 99 alone (99 % 3 = 0): 0.
        Assert.Equal(60, pixels[0 * plane + 10 * 34 + 5]);
        Assert.Equal(0, pixels[0 * plane + 10 * 34 + 33]);
        // Green: rows 30, 31, 32 in the block of row 10: mean 31.
        Assert.Equal(31, pixels[1 * plane + 10 * 34 + 5]);
        Assert.Equal(200, pixels[2 * plane + 49 * 34 + 33]);
    }

    [Fact]
    public void AnImageOfTheWrongLengthIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Thumbnail.EncodePng(new float[10], new ImageShape(1, 28, 28), 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => Thumbnail.EncodePng(new float[784], new ImageShape(1, 28, 28), 0));
    }
}
