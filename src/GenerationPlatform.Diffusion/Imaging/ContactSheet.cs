using GenerationPlatform.Core.Model;

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

    /// <summary>Images (pixels from <see cref="ImageGrid.ToPixels"/>, channel-major, of <paramref name="shape"/>) with captions.</summary>
    public static byte[] EncodePng(IReadOnlyList<(byte[] Pixels, string Caption)> tiles, ImageShape shape, int columns, int scale = 2, int padding = 3)
    {
        if (tiles.Count == 0) throw new ArgumentException("no images for the contact sheet", nameof(tiles));
        columns = Math.Clamp(columns, 1, tiles.Count);
        int rows = (tiles.Count + columns - 1) / columns;
        int tileW = shape.Width * scale, tileH = shape.Height * scale, captionH = GlyphH * scale + 2 * scale;
        int width = columns * tileW + (columns + 1) * padding, height = rows * (tileH + captionH) + (rows + 1) * padding;
        using var canvas = new Canvas(width, height, shape.Channels, background: 24);
        for (int k = 0; k < tiles.Count; k++)
        {
            var (src, caption) = tiles[k];
            int ox = padding + (k % columns) * (tileW + padding), oy = padding + (k / columns) * (tileH + captionH + padding);
            canvas.Draw(src, shape, ox, oy, scale, k);
            int cx = ox, cy = oy + tileH + scale;
            foreach (var ch in caption.ToLowerInvariant())
            {
                if (cx + GlyphW * scale > ox + tileW) break;
                if (Glyphs.TryGetValue(ch, out var rowsBits))
                    for (int gy = 0; gy < GlyphH; gy++)
                        for (int gx = 0; gx < GlyphW; gx++)
                            if ((rowsBits[gy] >> (GlyphW - 1 - gx) & 1) == 1)
                                for (int sy = 0; sy < scale; sy++)
                                    for (int sx = 0; sx < scale; sx++)
                                        canvas.White(cx + gx * scale + sx, cy + gy * scale + sy);
                cx += (GlyphW + 1) * scale;
            }
        }
        return canvas.Png();
    }
}
