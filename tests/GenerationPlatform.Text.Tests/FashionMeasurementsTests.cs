using Xunit.Abstractions;

namespace GenerationPlatform.Text.Tests;

public sealed class FashionMeasurementsTests(ITestOutputHelper output)
{
    public static TheoryData<string> PaletteNames() => [.. ColourFashion.Palette.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(PaletteNames))]
    public void ColourOfAPaintedItemIsItsPaletteColourWithFullConfidence(string colour)
    {
        var gray = Shapes.Checkerboard(4, 24, 6, 22, 1f, -0.3f); // shades from 0.35 to 1
        var m = FashionMeasurements.MeasureColour(Shapes.Paint(gray, colour));
        Assert.Equal(colour, m.Colour);
        Assert.Equal(1.0, m.Confidence, 6); // float pixels: exact up to rounding
        Assert.Equal(ColourFashion.FindColour(colour)!.Hue, m.Hue, 4);
        Assert.Equal(1.0, m.Saturation, 6);
        Assert.True(m.IsConfident);
    }

    [Fact]
    public void GrayOrEmptyImagesHaveNoColour()
    {
        var gray = Shapes.Rectangle(4, 24, 6, 22, 0.5f);
        var rgb = new float[3 * 784];
        for (int c = 0; c < 3; c++) gray.CopyTo(rgb, c * 784);
        var m = FashionMeasurements.MeasureColour(rgb);
        Assert.Null(m.Colour);
        Assert.False(m.IsConfident);
        Assert.Null(FashionMeasurements.MeasureColour(Shapes.Paint(Shapes.Blank(), "red")).Colour);
    }

    [Fact]
    public void HalfRedHalfBlueIsNotConfident()
    {
        var left = Shapes.Paint(Shapes.Rectangle(4, 24, 4, 14), "red");
        var right = Shapes.Paint(Shapes.Rectangle(4, 24, 14, 24), "blue");
        var both = left.Zip(right, Math.Max).ToArray();
        var m = FashionMeasurements.MeasureColour(both);
        // Circular mean of 0 and 240 degrees is 300, with resultant length 0.5; between purple (280) and pink (330).
        Assert.Equal(300, m.Hue, 6);
        Assert.Equal("purple", m.Colour);
        Assert.Equal(0.5 * (1 - 20.0 / 25), m.Confidence, 6);
        Assert.False(m.IsConfident);
    }

    [Fact]
    public void AHueBetweenTwoPaletteColoursLosesConfidenceTowardTheBoundary()
    {
        // (1, 0.25, 0): hue 15, exactly between red and orange.
        var gray = Shapes.Rectangle(4, 24, 6, 22, 1f);
        var rgb = ColourFashion.Paint(gray, new PaletteColour("vermilion", 1f, 0.25f, 0f), flip: false);
        var m = FashionMeasurements.MeasureColour(rgb);
        Assert.Equal(15, m.Hue, 6);
        Assert.Equal(0, m.Confidence, 6);
        Assert.False(m.IsConfident);
        var nearOrange = FashionMeasurements.MeasureColour(ColourFashion.Paint(gray, new PaletteColour("x", 1f, 0.45f, 0f), flip: false));
        Assert.Equal("orange", nearOrange.Colour);
        Assert.True(nearOrange.IsConfident); // hue 27: 3 degrees off, margin 0.8
    }

    [Fact]
    public void OrientationOfAConstructedBootAndItsMirror()
    {
        var boot = Shapes.BootToeLeft();
        var m = FashionMeasurements.MeasureOrientationOfLuminance(boot);
        Assert.Equal(Orientations.Left, m.Orientation);
        // Item columns 3..25 (w = 23, k = 7): left third tops at 18, right third at 4.
        Assert.Equal(14, m.Difference, 9);
        var mirrored = FashionMeasurements.MeasureOrientationOfLuminance(Shapes.Mirror(boot));
        Assert.Equal(Orientations.Right, mirrored.Orientation);
        Assert.Equal(-14, mirrored.Difference, 9);
        Assert.Equal(Orientations.Left, FashionMeasurements.MeasureOrientation(Shapes.Paint(boot, "blue")).Orientation);
    }

    [Fact]
    public void OrientationOfSymmetricOrEmptyImagesIsUnknown()
    {
        Assert.Null(FashionMeasurements.MeasureOrientationOfLuminance(Shapes.Rectangle(10, 20, 4, 24)).Orientation);
        Assert.Null(FashionMeasurements.MeasureOrientationOfLuminance(Shapes.Blank()).Orientation);
        // A one-pixel step is within the margin.
        var step = Shapes.Rectangle(11, 20, 4, 14);
        Shapes.Rectangle(10, 20, 14, 24, into: step);
        Assert.Null(FashionMeasurements.MeasureOrientationOfLuminance(step).Orientation);
    }

    [Fact]
    public void SurfaceEnergyIsZeroForFlatItemsAndLargeForCheckerboards()
    {
        Assert.Equal(0, FashionMeasurements.SurfaceEnergy(Shapes.Rectangle(4, 24, 6, 22, 0.2f)));
        // Checkerboard of values 1 and 0.5 (from 1 and 0): inside, |4c - neighbours| = 4 * 0.5, so the energy is 4.
        Assert.Equal(4, FashionMeasurements.SurfaceEnergy(Shapes.Checkerboard(4, 24, 6, 22, 1f, 0f)), 9);
        Assert.True(double.IsNaN(FashionMeasurements.SurfaceEnergy(Shapes.Rectangle(10, 13, 10, 13))));
    }

    [Fact]
    public void SurfaceUsesTheClassTertiles()
    {
        var flat = Shapes.Paint(Shapes.Rectangle(4, 24, 6, 22, 0.2f), "green");
        var busy = Shapes.Paint(Shapes.Checkerboard(4, 24, 6, 22, 1f, 0f), "green");
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            Assert.Equal(Surfaces.Plain, FashionMeasurements.MeasureSurface(flat, c).Surface);
            Assert.Equal(Surfaces.Patterned, FashionMeasurements.MeasureSurface(busy, c).Surface);
            Assert.True(SurfaceThresholds.PlainBelow[c] < SurfaceThresholds.PatternedFrom[c]);
        }
        // An energy in the middle tertile of one class is not captioned.
        double middle = (SurfaceThresholds.PlainBelow[FashionClasses.Dress] + SurfaceThresholds.PatternedFrom[FashionClasses.Dress]) / 2;
        var (amplitude, image) = WithEnergy(middle);
        Assert.Equal(middle, FashionMeasurements.SurfaceEnergy(image), 6);
        Assert.Null(FashionMeasurements.MeasureSurfaceOfLuminance(image, FashionClasses.Dress).Surface);
        output.WriteLine($"checkerboard amplitude {amplitude} gives the Dress middle-tertile energy {middle}");
    }

    /// <summary>A checkerboard whose inner energy is exactly <paramref name="energy"/>.</summary>
    private static (double Amplitude, float[] Image) WithEnergy(double energy)
    {
        // Values (in [0, 1]) 1 and 1 - d alternate, so every inner pixel has Laplacian +-4d: energy 16 d^2.
        double d = Math.Sqrt(energy / 16);
        float low = (float)((1 - d) * 2 - 1);
        return (d, Shapes.Checkerboard(4, 24, 6, 22, 1f, low));
    }

    [Fact]
    public void OnTheTrainingSplitTheMeasuredOrientationAgreesWithTheAssignedFlips()
    {
        // Assigned: left (Fashion-MNIST's native side), right when flipped. Measured: on the coloured image.
        var split = TrainingSplit.Images;
        var agree = new int[FashionClasses.Count];
        var total = new int[FashionClasses.Count];
        var native = new int[FashionClasses.Count, 3];
        for (int i = 0; i < split.Count; i++)
        {
            int c = split.Labels[i];
            if (!FashionClasses.IsFootwear(c)) continue;
            var item = ColourFashion.Colourise(split, i);
            var assigned = item.Flipped ? Orientations.Right : Orientations.Left;
            var measured = FashionMeasurements.MeasureOrientation(item.Rgb).Orientation;
            total[c]++;
            if (measured == assigned) agree[c]++;
            if (item.Orientation is not null) Assert.Equal(measured, item.Orientation);
            var original = FashionMeasurements.MeasureOrientationOfLuminance(split.Image(i)).Orientation;
            native[c, original == Orientations.Left ? 0 : original == Orientations.Right ? 1 : 2]++;
        }
        foreach (var c in new[] { FashionClasses.Sandal, FashionClasses.Sneaker, FashionClasses.AnkleBoot })
            output.WriteLine($"{FashionClasses.Names[c]}: agreement {agree[c]}/{total[c]} = {(double)agree[c] / total[c]:P1}; " +
                $"native left {native[c, 0]}, right {native[c, 1]}, unsure {native[c, 2]}");
        Assert.True(agree[FashionClasses.AnkleBoot] >= 0.99 * total[FashionClasses.AnkleBoot]);
        Assert.True(agree[FashionClasses.Sneaker] >= 0.97 * total[FashionClasses.Sneaker]);
        Assert.True(agree[FashionClasses.Sandal] >= 0.85 * total[FashionClasses.Sandal]);
        Assert.True(native[FashionClasses.AnkleBoot, 0] > 0.99 * total[FashionClasses.AnkleBoot], "Fashion-MNIST's footwear points left");
    }
}
