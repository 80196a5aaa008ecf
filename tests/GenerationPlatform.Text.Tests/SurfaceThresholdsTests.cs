using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace GenerationPlatform.Text.Tests;

/// <summary>
/// The committed surface tertiles are what the training split gives: this recomputes them (the command named in
/// <see cref="SurfaceThresholds"/>) and prints the table.
/// </summary>
public sealed class SurfaceThresholdsTests(ITestOutputHelper output)
{
    [Fact]
    public void CommittedTertilesMatchTheTrainingSplit()
    {
        var split = TrainingSplit.Images;
        var energies = Enumerable.Range(0, FashionClasses.Count).Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < split.Count; i++)
        {
            double e = FashionMeasurements.SurfaceEnergy(split.Image(i));
            if (!double.IsNaN(e)) energies[split.Labels[i]].Add(e);
        }
        var plain = new double[FashionClasses.Count];
        var patterned = new double[FashionClasses.Count];
        var table = new StringBuilder();
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var sorted = energies[c].Order().ToArray();
            plain[c] = sorted[sorted.Length / 3];
            patterned[c] = sorted[2 * sorted.Length / 3];
            table.AppendLine(CultureInfo.InvariantCulture, $"{FashionClasses.Names[c],-12} n={sorted.Length,5} plain<{plain[c]:R} patterned>={patterned[c]:R}");
        }
        table.AppendLine("PlainBelow    = [" + string.Join(", ", plain.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
        table.AppendLine("PatternedFrom = [" + string.Join(", ", patterned.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
        output.WriteLine(table.ToString());
        Assert.True(plain.SequenceEqual(SurfaceThresholds.PlainBelow), "SurfaceThresholds.PlainBelow differs from the training split:\n" + table);
        Assert.True(patterned.SequenceEqual(SurfaceThresholds.PatternedFrom), "SurfaceThresholds.PatternedFrom differs from the training split:\n" + table);
        // Nearly every training image has enough inside to measure.
        Assert.True(energies.Sum(e => e.Count) > 0.95 * split.Count);
    }
}
