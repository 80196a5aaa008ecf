using SkiaSharp;

namespace GenerationPlatform.Diffusion.Imaging;

/// <summary>Turns model states (values in [-1, 1], row-major) into 8-bit grayscale PNGs.</summary>
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
    public static byte[] EncodePng(ReadOnlySpan<float> state, int side, int scale = 1) =>
        EncodeGridPng([ToPixels(state)], side, columns: 1, scale, padding: 0);

    /// <summary>Images laid out in a grid with a dark border between tiles.</summary>
    public static byte[] EncodeGridPng(IReadOnlyList<byte[]> images, int side, int columns, int scale = 2, int padding = 2)
    {
        if (images.Count == 0) throw new ArgumentException("no images to encode", nameof(images));
        columns = Math.Clamp(columns, 1, images.Count);
        int rows = (images.Count + columns - 1) / columns;
        int tile = side * scale;
        int width = columns * tile + (columns + 1) * padding, height = rows * tile + (rows + 1) * padding;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        dst.Fill(32);
        int stride = bitmap.RowBytes;
        for (int k = 0; k < images.Count; k++)
        {
            var src = images[k];
            if (src.Length != side * side) throw new ArgumentException($"image {k} has {src.Length} pixels, expected {side * side}");
            int ox = padding + (k % columns) * (tile + padding), oy = padding + (k / columns) * (tile + padding);
            for (int y = 0; y < tile; y++)
                for (int x = 0; x < tile; x++)
                    dst[(oy + y) * stride + ox + x] = src[(y / scale) * side + x / scale];
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Decodes a grayscale PNG back to pixels (used to check what was written).</summary>
    public static (byte[] Pixels, int Width, int Height) DecodeGray(byte[] png)
    {
        using var decoded = SKBitmap.Decode(png) ?? throw new ArgumentException("not a decodable image");
        using var gray = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        if (!decoded.CopyTo(gray, SKColorType.Gray8)) throw new ArgumentException("image cannot be converted to grayscale");
        return (gray.GetPixelSpan().ToArray(), decoded.Width, decoded.Height);
    }
}
