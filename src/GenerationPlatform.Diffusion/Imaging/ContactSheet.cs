using SkiaSharp;

namespace GenerationPlatform.Diffusion.Imaging;

/// <summary>
/// A grid of images, each with a caption line of digits under it (scores, ranks). Captions use a
/// built-in 3x5 pixel font, so sheets render the same on machines without any fonts installed.
/// </summary>
public static class ContactSheet
{
    private const int GlyphW = 3, GlyphH = 5;

    // Each glyph: five rows of three bits, most significant bit on the left.
    private static readonly Dictionary<char, int[]> Glyphs = new()
    {
        ['0'] = [7, 5, 5, 5, 7], ['1'] = [2, 6, 2, 2, 7], ['2'] = [7, 1, 7, 4, 7], ['3'] = [7, 1, 7, 1, 7],
        ['4'] = [5, 5, 7, 1, 1], ['5'] = [7, 4, 7, 1, 7], ['6'] = [7, 4, 7, 5, 7], ['7'] = [7, 1, 1, 1, 1],
        ['8'] = [7, 5, 7, 5, 7], ['9'] = [7, 5, 7, 1, 7], ['.'] = [0, 0, 0, 0, 2], ['-'] = [0, 0, 7, 0, 0],
        ['#'] = [5, 7, 5, 7, 5], ['e'] = [0, 7, 7, 4, 7], ['+'] = [0, 2, 7, 2, 0], [' '] = [0, 0, 0, 0, 0],
        ['r'] = [0, 6, 5, 4, 4], ['c'] = [0, 7, 4, 4, 7], [':'] = [0, 2, 0, 2, 0], ['x'] = [0, 5, 2, 5, 0],
    };

    public static byte[] EncodePng(IReadOnlyList<(byte[] Pixels, string Caption)> tiles, int side, int columns, int scale = 2, int padding = 3)
    {
        if (tiles.Count == 0) throw new ArgumentException("no images for the contact sheet", nameof(tiles));
        columns = Math.Clamp(columns, 1, tiles.Count);
        int rows = (tiles.Count + columns - 1) / columns;
        int tile = side * scale, captionH = GlyphH * scale + 2 * scale;
        int width = columns * tile + (columns + 1) * padding, height = rows * (tile + captionH) + (rows + 1) * padding;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        dst.Fill(24);
        int stride = bitmap.RowBytes;
        for (int k = 0; k < tiles.Count; k++)
        {
            var (src, caption) = tiles[k];
            if (src.Length != side * side) throw new ArgumentException($"image {k} has {src.Length} pixels, expected {side * side}");
            int ox = padding + (k % columns) * (tile + padding), oy = padding + (k / columns) * (tile + captionH + padding);
            for (int y = 0; y < tile; y++)
                for (int x = 0; x < tile; x++)
                    dst[(oy + y) * stride + ox + x] = src[(y / scale) * side + x / scale];
            int cx = ox, cy = oy + tile + scale;
            foreach (var ch in caption.ToLowerInvariant())
            {
                if (cx + GlyphW * scale > ox + tile) break;
                if (Glyphs.TryGetValue(ch, out var rowsBits))
                    for (int gy = 0; gy < GlyphH; gy++)
                        for (int gx = 0; gx < GlyphW; gx++)
                            if ((rowsBits[gy] >> (GlyphW - 1 - gx) & 1) == 1)
                                for (int sy = 0; sy < scale; sy++)
                                    for (int sx = 0; sx < scale; sx++)
                                        dst[(cy + gy * scale + sy) * stride + cx + gx * scale + sx] = 255;
                cx += (GlyphW + 1) * scale;
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
