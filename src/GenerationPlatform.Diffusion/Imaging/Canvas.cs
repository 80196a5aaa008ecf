using SkiaSharp;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Imaging;

/// <summary>A bitmap to draw image tiles and captions on: 8-bit grayscale for one channel, RGBA for three.</summary>
internal sealed class Canvas : IDisposable
{
    private readonly SKBitmap bitmap;
    private readonly int bytesPerPixel;

    public Canvas(int width, int height, int channels, byte background)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"images of {channels} channels cannot be drawn (1 or 3)");
        bytesPerPixel = channels == 1 ? 1 : 4;
        bitmap = new SKBitmap(new SKImageInfo(width, height, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        if (bytesPerPixel == 1) dst.Fill(background);
        else
            for (int i = 0; i < dst.Length; i += 4) { dst[i] = dst[i + 1] = dst[i + 2] = background; dst[i + 3] = 255; }
    }

    /// <summary>Draws one image (channel-major bytes of <paramref name="shape"/>) scaled up with its top-left at (ox, oy).</summary>
    public void Draw(byte[] src, ImageShape shape, int ox, int oy, int scale, int index)
    {
        if (src.Length != shape.Size) throw new ArgumentException($"image {index} has {src.Length} values, expected {shape.Size} ({shape})");
        var dst = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes, plane = shape.Plane;
        for (int y = 0; y < shape.Height * scale; y++)
            for (int x = 0; x < shape.Width * scale; x++)
            {
                int p = (y / scale) * shape.Width + x / scale, at = (oy + y) * stride + (ox + x) * bytesPerPixel;
                if (bytesPerPixel == 1) dst[at] = src[p];
                else { dst[at] = src[p]; dst[at + 1] = src[plane + p]; dst[at + 2] = src[2 * plane + p]; }
            }
    }

    /// <summary>Sets one pixel to white.</summary>
    public void White(int x, int y)
    {
        var dst = bitmap.GetPixelSpan();
        int at = y * bitmap.RowBytes + x * bytesPerPixel;
        for (int c = 0; c < Math.Min(bytesPerPixel, 3); c++) dst[at + c] = 255;
    }

    public byte[] Png()
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void Dispose() => bitmap.Dispose();
}
