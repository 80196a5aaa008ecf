using SkiaSharp;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Imaging;

/// <summary>
/// Turns model images (values in [-1, 1], channel-major [C, H, W]) into 8-bit PNGs: grayscale for one
/// channel, RGB for three, at the model's height and width.
/// </summary>
public static class ImageGrid
{
    public static byte[] ToPixels(ReadOnlySpan<float> state)
    {
        var pixels = new byte[state.Length];
        for (int i = 0; i < state.Length; i++)
            pixels[i] = (byte)Math.Clamp(MathF.Round((state[i] + 1f) * 127.5f), 0f, 255f);
        return pixels;
    }

    /// <summary>One image, each pixel drawn as a <paramref name="scale"/>-by-<paramref name="scale"/> block.</summary>
    public static byte[] EncodePng(ReadOnlySpan<float> state, ImageShape shape, int scale = 1) =>
        EncodeGridPng([ToPixels(state)], shape, columns: 1, scale, padding: 0);

    /// <summary>Images (pixels from <see cref="ToPixels"/>, channel-major) laid out in a grid with a dark border between tiles.</summary>
    public static byte[] EncodeGridPng(IReadOnlyList<byte[]> images, ImageShape shape, int columns, int scale = 2, int padding = 2)
    {
        if (images.Count == 0) throw new ArgumentException("no images to encode", nameof(images));
        columns = Math.Clamp(columns, 1, images.Count);
        int rows = (images.Count + columns - 1) / columns;
        int tileW = shape.Width * scale, tileH = shape.Height * scale;
        using var canvas = new Canvas(columns * tileW + (columns + 1) * padding, rows * tileH + (rows + 1) * padding, shape.Channels, background: 32);
        for (int k = 0; k < images.Count; k++)
            canvas.Draw(images[k], shape, padding + (k % columns) * (tileW + padding), padding + (k / columns) * (tileH + padding), scale, k);
        return canvas.Png();
    }

    /// <summary>Decodes a PNG back to grayscale pixels (used to check what was written).</summary>
    public static (byte[] Pixels, int Width, int Height) DecodeGray(byte[] png)
    {
        using var decoded = SKBitmap.Decode(png) ?? throw new ArgumentException("not a decodable image");
        using var gray = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        if (!decoded.CopyTo(gray, SKColorType.Gray8)) throw new ArgumentException("image cannot be converted to grayscale");
        return (gray.GetPixelSpan().ToArray(), decoded.Width, decoded.Height);
    }

    /// <summary>Decodes a PNG to RGB pixels, channel-major [3, H, W], and says whether it was stored as grayscale.</summary>
    public static (byte[] Pixels, ImageShape Shape, bool Grayscale) DecodeRgb(byte[] png)
    {
        using var codec = SKCodec.Create(new MemoryStream(png)) ?? throw new ArgumentException("not a decodable image");
        bool grayscale = codec.Info.ColorType == SKColorType.Gray8;
        using var decoded = SKBitmap.Decode(png) ?? throw new ArgumentException("not a decodable image");
        using var rgba = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (!decoded.CopyTo(rgba, SKColorType.Rgba8888)) throw new ArgumentException("image cannot be converted to RGB");
        var src = rgba.GetPixelSpan();
        int plane = decoded.Width * decoded.Height;
        var pixels = new byte[3 * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) pixels[c * plane + p] = src[4 * p + c];
        return (pixels, new ImageShape(3, decoded.Height, decoded.Width), grayscale);
    }
}
