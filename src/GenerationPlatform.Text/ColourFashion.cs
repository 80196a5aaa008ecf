namespace GenerationPlatform.Text;

/// <summary>
/// Fashion-MNIST in colour: a deterministic recipe that derives an RGB image and its caption properties from each
/// grayscale training image and its index. Nothing is invented: colour and flip are assigned here, orientation is
/// captioned only where the assignment and <see cref="FashionMeasurements.MeasureOrientation"/> agree, and surface is
/// measured (<see cref="FashionMeasurements.MeasureSurface"/>).
/// <para>
/// The recipe, for image <c>g</c> (28x28, row-major, in [-1, 1], background -1) of class <c>c</c> at training index <c>i</c>:
/// </para>
/// <list type="number">
/// <item>Colour: <c>Palette[StableHash.Mix(i, ColourSalt) % 8]</c>.</item>
/// <item>Flip (footwear only: Sandal, Sneaker, Ankle boot): mirrored left-right when
/// <c>StableHash.Mix(i, FlipSalt)</c> is odd, about half of them.</item>
/// <item>Pixels: with intensity <c>v = (g + 1) / 2</c> in [0, 1], each channel is <c>2 v k - 1</c> for the colour's channel
/// <c>k</c> (<see cref="PaletteColour"/>): the background stays black (-1) and the item is a shade of the colour, so the
/// colour's hue and saturation hold at every item pixel and the maximum over channels gives <c>g</c> back exactly
/// (<see cref="Luminance"/>). The layout is channel-major [3, 28, 28].</item>
/// <item>Orientation: Fashion-MNIST's footwear natively points its toe to the LEFT (measured on the training split with
/// <see cref="FashionMeasurements.MeasureOrientation"/>: 6000 of 6000 ankle boots, 5866 of 6000 sneakers (19 right, 115
/// unsure), 5396 of 6000 sandals (305 right, 299 unsure); the test
/// <c>OnTheTrainingSplitTheMeasuredOrientationAgreesWithTheAssignedFlips</c> prints these). The assigned orientation is therefore left, or right when
/// flipped; it is kept only where the measurement of the coloured image says the same, so the ~10% of sandals whose toe
/// the measurement cannot confirm carry no orientation.</item>
/// <item>Surface: <see cref="FashionMeasurements.MeasureSurface"/> with the class's training tertiles (plain, patterned,
/// or null for the middle tertile).</item>
/// </list>
/// </summary>
public static class ColourFashion
{
    public const int Side = 28;
    public const int Channels = 3;
    public const int PixelsPerChannel = Side * Side;
    public const int RgbLength = Channels * PixelsPerChannel;

    /// <summary>Salt of the colour draw.</summary>
    public const ulong ColourSalt = 0xC0105;

    /// <summary>Salt of the flip draw.</summary>
    public const ulong FlipSalt = 0xF11B;

    /// <summary>The side Fashion-MNIST's footwear points its toe to before any flip (measured; see the class summary).</summary>
    public const string NativeOrientation = Orientations.Left;

    /// <summary>
    /// Eight saturated hues, at least 30 degrees apart: red 0, orange 30, yellow 60, green 120, cyan 180, blue 240,
    /// purple 280, pink 330.
    /// </summary>
    public static IReadOnlyList<PaletteColour> Palette { get; } =
    [
        new("red", 1f, 0f, 0f),
        new("orange", 1f, 0.5f, 0f),
        new("yellow", 1f, 1f, 0f),
        new("green", 0f, 1f, 0f),
        new("cyan", 0f, 1f, 1f),
        new("blue", 0f, 0f, 1f),
        new("purple", 2f / 3f, 0f, 1f),
        new("pink", 1f, 0f, 0.5f),
    ];

    /// <summary>The palette colour of a name (exact, lower case), or null.</summary>
    public static PaletteColour? FindColour(string name) => Palette.FirstOrDefault(c => c.Name == name);

    /// <summary>The colour assigned to training index <paramref name="index"/>.</summary>
    public static PaletteColour AssignedColour(int index) => Palette[(int)(StableHash.Mix((ulong)index, ColourSalt) % (ulong)Palette.Count)];

    /// <summary>Whether training index <paramref name="index"/> is mirrored, if it is footwear.</summary>
    public static bool AssignedFlip(int index) => (StableHash.Mix((ulong)index, FlipSalt) & 1UL) == 1UL;

    /// <summary>Image <paramref name="index"/> of a split, coloured (see the class summary).</summary>
    public static ColouredItem Colourise(FashionMnistImages split, int index) => Colourise(split.Image(index), split.Labels[index], index);

    /// <summary>Colours a grayscale image (28x28, row-major, [-1, 1]) of class <paramref name="classIndex"/> at training index <paramref name="index"/>.</summary>
    public static ColouredItem Colourise(ReadOnlySpan<float> gray, int classIndex, int index)
    {
        if (gray.Length != PixelsPerChannel) throw new ArgumentException($"a grayscale image has {PixelsPerChannel} pixels, not {gray.Length}", nameof(gray));
        FashionClasses.Check(classIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var colour = AssignedColour(index);
        bool flip = FashionClasses.IsFootwear(classIndex) && AssignedFlip(index);
        var rgb = Paint(gray, colour, flip);

        string? orientation = null;
        if (FashionClasses.IsFootwear(classIndex))
        {
            var assigned = flip ? Orientations.Opposite(NativeOrientation) : NativeOrientation;
            var measured = FashionMeasurements.MeasureOrientation(rgb).Orientation;
            orientation = measured == assigned ? assigned : null;
        }
        var surface = FashionMeasurements.MeasureSurface(rgb, classIndex).Surface;
        return new ColouredItem(index, classIndex, rgb, colour.Name, flip, orientation, surface);
    }

    /// <summary>
    /// The colouring step alone: channel <c>k</c> of pixel <c>(y, x)</c> is <c>2 v k - 1</c> with <c>v = (g + 1) / 2</c>
    /// (g clamped to [-1, 1]), read from column <c>27 - x</c> when <paramref name="flip"/>.
    /// </summary>
    public static float[] Paint(ReadOnlySpan<float> gray, PaletteColour colour, bool flip)
    {
        if (gray.Length != PixelsPerChannel) throw new ArgumentException($"a grayscale image has {PixelsPerChannel} pixels, not {gray.Length}", nameof(gray));
        ArgumentNullException.ThrowIfNull(colour);
        var rgb = new float[RgbLength];
        ReadOnlySpan<float> channel = [colour.R, colour.G, colour.B];
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                float g = Math.Clamp(gray[y * Side + (flip ? Side - 1 - x : x)], -1f, 1f);
                float v = (g + 1f) * 0.5f;
                for (int c = 0; c < Channels; c++)
                    rgb[c * PixelsPerChannel + y * Side + x] = 2f * v * channel[c] - 1f;
            }
        }
        return rgb;
    }

    /// <summary>
    /// The grayscale image back from an RGB one (3x28x28, channel-major, [-1, 1]): the maximum over channels (HSV value),
    /// which inverts <see cref="Paint"/> exactly (up to float rounding) for every palette colour. This is what the class
    /// classifier sees.
    /// </summary>
    public static float[] Luminance(ReadOnlySpan<float> rgb)
    {
        if (rgb.Length != RgbLength) throw new ArgumentException($"an RGB image has {RgbLength} values (3x28x28), not {rgb.Length}", nameof(rgb));
        var gray = new float[PixelsPerChannel];
        for (int i = 0; i < gray.Length; i++)
            gray[i] = MathF.Max(rgb[i], MathF.Max(rgb[PixelsPerChannel + i], rgb[2 * PixelsPerChannel + i]));
        return gray;
    }
}
