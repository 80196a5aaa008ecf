using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Imaging;

/// <summary>
/// A small PNG of a model image: at the model's size when it fits <c>maxSide</c>, else scaled down by the smallest whole
/// factor that makes it fit, each pixel the mean of its block (a partial block at the edge, of what it has).
/// </summary>
public static class Thumbnail
{
    public static byte[] EncodePng(ReadOnlySpan<float> state, ImageShape shape, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        if (state.Length != shape.Channels * shape.Height * shape.Width)
            throw new ArgumentException($"an image of {shape.Channels}x{shape.Height}x{shape.Width} has {shape.Channels * shape.Height * shape.Width} values (got {state.Length})");
        var pixels = ImageGrid.ToPixels(state);
        int factor = (Math.Max(shape.Height, shape.Width) + maxSide - 1) / maxSide;
        if (factor <= 1) return ImageGrid.EncodeGridPng([pixels], shape, columns: 1, scale: 1, padding: 0);
        var small = new ImageShape(shape.Channels, (shape.Height + factor - 1) / factor, (shape.Width + factor - 1) / factor);
        var reduced = new byte[small.Channels * small.Height * small.Width];
        for (int c = 0; c < small.Channels; c++)
            for (int y = 0; y < small.Height; y++)
                for (int x = 0; x < small.Width; x++)
                    reduced[(c * small.Height + y) * small.Width + x] = BlockMean(pixels, shape, c, y * factor, x * factor, factor);
        return ImageGrid.EncodeGridPng([reduced], small, columns: 1, scale: 1, padding: 0);
    }

    private static byte BlockMean(byte[] pixels, ImageShape shape, int channel, int top, int left, int factor)
    {
        int bottom = Math.Min(top + factor, shape.Height), right = Math.Min(left + factor, shape.Width), sum = 0;
        for (int y = top; y < bottom; y++)
            for (int x = left; x < right; x++)
                sum += pixels[(channel * shape.Height + y) * shape.Width + x];
        int count = (bottom - top) * (right - left);
        return (byte)((sum + count / 2) / count);
    }
}
