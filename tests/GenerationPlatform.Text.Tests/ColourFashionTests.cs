using Xunit.Abstractions;

namespace GenerationPlatform.Text.Tests;

public sealed class ColourFashionTests(ITestOutputHelper output)
{
    [Fact]
    public void PaletteHasEightSaturatedHuesAtLeastThirtyDegreesApart()
    {
        var palette = ColourFashion.Palette;
        Assert.Equal(8, palette.Count);
        Assert.Equal(palette.Count, palette.Select(p => p.Name).Distinct().Count());
        Assert.All(palette, p => Assert.Equal(1f, Math.Max(p.R, Math.Max(p.G, p.B))));
        Assert.All(palette, p => Assert.Equal(0f, Math.Min(p.R, Math.Min(p.G, p.B))));
        var hues = palette.Select(p => p.Hue).Order().ToList();
        var gaps = hues.Zip(hues.Skip(1), (a, b) => b - a).Append(360 - hues[^1] + hues[0]);
        Assert.True(gaps.Min() >= 30 - 1e-9, string.Join(", ", hues));
        Assert.Equal([0, 30, 60, 120, 180, 240, 280, 330], palette.Select(p => Math.Round(p.Hue)).ToArray());
    }

    [Fact]
    public void PaintingKeepsTheBackgroundBlackAndShadesTheItem()
    {
        var gray = Shapes.Rectangle(5, 10, 5, 10, 0f); // intensity v = 0.5
        var rgb = Shapes.Paint(gray, "orange");
        const int plane = 28 * 28;
        Assert.Equal(3 * plane, rgb.Length);
        Assert.Equal([-1f, -1f, -1f], new[] { rgb[0], rgb[plane], rgb[2 * plane] });
        int i = 7 * 28 + 7;
        // orange (1, 0.5, 0) at v = 0.5: (0.5, 0.25, 0) in [0, 1], so (0, -0.5, -1) in [-1, 1], channel-major.
        Assert.Equal(0f, rgb[i], 6);
        Assert.Equal(-0.5f, rgb[plane + i], 6);
        Assert.Equal(-1f, rgb[2 * plane + i], 6);
    }

    [Theory]
    [InlineData("red")]
    [InlineData("orange")]
    [InlineData("yellow")]
    [InlineData("green")]
    [InlineData("cyan")]
    [InlineData("blue")]
    [InlineData("purple")]
    [InlineData("pink")]
    public void LuminanceInvertsThePaintingExactly(string colour)
    {
        var gray = Shapes.Blank();
        for (int i = 0; i < gray.Length; i++) gray[i] = i % 97 / 48f - 1f; // every shade from -1 to 1
        var back = ColourFashion.Luminance(Shapes.Paint(gray, colour));
        for (int i = 0; i < gray.Length; i++) Assert.Equal(gray[i], back[i], 6);
    }

    [Fact]
    public void FlipMirrorsColumns()
    {
        var boot = Shapes.BootToeLeft();
        var flipped = ColourFashion.Paint(boot, ColourFashion.Palette[0], flip: true);
        Assert.Equal(Shapes.Mirror(boot), ColourFashion.Luminance(flipped));
    }

    [Fact]
    public void AssignmentIsDeterministicFromTheIndex()
    {
        var boot = Shapes.BootToeLeft();
        var a = ColourFashion.Colourise(boot, FashionClasses.Sneaker, 1234);
        var b = ColourFashion.Colourise(boot, FashionClasses.Sneaker, 1234);
        Assert.Equal(a.Rgb, b.Rgb);
        Assert.Equal(a.Properties, b.Properties);
        Assert.Equal(ColourFashion.AssignedColour(1234).Name, a.Colour);
        Assert.Equal(ColourFashion.AssignedFlip(1234), a.Flipped);
        // Different indices draw different colours and flips.
        Assert.True(Enumerable.Range(0, 50).Select(i => ColourFashion.AssignedColour(i).Name).Distinct().Count() >= 6);
        Assert.Contains(Enumerable.Range(0, 50), i => ColourFashion.AssignedFlip(i));
        Assert.Contains(Enumerable.Range(0, 50), i => !ColourFashion.AssignedFlip(i));
    }

    [Fact]
    public void OnlyFootwearIsFlippedOrOriented()
    {
        var boot = Shapes.BootToeLeft();
        int index = Enumerable.Range(0, 100).First(ColourFashion.AssignedFlip);
        var dress = ColourFashion.Colourise(boot, FashionClasses.Dress, index);
        Assert.False(dress.Flipped);
        Assert.Null(dress.Orientation);
        var shoe = ColourFashion.Colourise(boot, FashionClasses.AnkleBoot, index);
        Assert.True(shoe.Flipped);
        Assert.Equal(Orientations.Right, shoe.Orientation);
        int unflipped = Enumerable.Range(0, 100).First(i => !ColourFashion.AssignedFlip(i));
        Assert.Equal(Orientations.Left, ColourFashion.Colourise(boot, FashionClasses.AnkleBoot, unflipped).Orientation);
        // A right-facing original flipped stays unconfirmed: assigned left would contradict the measurement.
        Assert.Null(ColourFashion.Colourise(Shapes.Mirror(boot), FashionClasses.AnkleBoot, unflipped).Orientation);
    }

    [Fact]
    public void OnTheTrainingSplitColoursAreBalancedHalfTheFootwearIsFlippedAndEveryColourMeasuresBack()
    {
        var split = TrainingSplit.Images;
        var colourCounts = new Dictionary<string, int>();
        int footwear = 0, flipped = 0, measuredBack = 0, measured = 0;
        for (int i = 0; i < split.Count; i += 10)
        {
            var item = ColourFashion.Colourise(split, i);
            colourCounts[item.Colour] = colourCounts.GetValueOrDefault(item.Colour) + 1;
            if (FashionClasses.IsFootwear(item.Class))
            {
                footwear++;
                if (item.Flipped) flipped++;
            }
            var m = FashionMeasurements.MeasureColour(item.Rgb);
            measured++;
            if (m.IsConfident && m.Colour == item.Colour && m.Confidence > 0.999) measuredBack++;
        }
        output.WriteLine($"{measured} images: colours {string.Join(", ", colourCounts.Select(kv => $"{kv.Key} {kv.Value}"))}; " +
            $"footwear flipped {flipped}/{footwear}; colour measured back {measuredBack}");
        Assert.Equal(8, colourCounts.Count);
        Assert.All(colourCounts.Values, n => Assert.InRange(n, measured / 8 * 0.85, measured / 8 * 1.15));
        Assert.InRange(flipped, footwear * 0.45, footwear * 0.55);
        Assert.Equal(measured, measuredBack);
    }
}
