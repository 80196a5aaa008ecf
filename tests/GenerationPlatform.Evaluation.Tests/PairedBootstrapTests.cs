namespace GenerationPlatform.Evaluation.Tests;

public sealed class PairedBootstrapTests
{
    /// <summary>Standard normal draws from a seeded generator (Box-Muller).</summary>
    private static double[] Normal(Random rng, int n, double mean, double sd) =>
        Enumerable.Range(0, n).Select(_ => mean + sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();

    [Fact]
    public void IsDeterministicGivenTheSeed()
    {
        var rng = new Random(1);
        var a = Normal(rng, 40, 0.5, 1);
        var b = Normal(rng, 40, 0.2, 1);
        var first = PairedBootstrap.MeanDifference(a, b, seed: 7);
        Assert.Equal(first, PairedBootstrap.MeanDifference(a, b, seed: 7));
        Assert.NotEqual(first, PairedBootstrap.MeanDifference(a, b, seed: 8));
        Assert.Equal(a.Average() - b.Average(), first.Estimate, 12);
        Assert.True(first.Lower < first.Estimate && first.Estimate < first.Upper);
        Assert.Equal(40, first.Pairs);
    }

    [Fact]
    public void ContainsTheTrueDifferenceAtAboutTheNominalRate()
    {
        // 400 synthetic experiments: 60 pairs sharing a per-unit effect (which pairing removes), true difference 0.3.
        var rng = new Random(2026);
        int covered = 0, trials = 400;
        for (int t = 0; t < trials; t++)
        {
            var unit = Normal(rng, 60, 0, 2);
            var a = Normal(rng, 60, 0.3, 1).Zip(unit, (x, u) => x + u).ToArray();
            var b = Normal(rng, 60, 0.0, 1).Zip(unit, (x, u) => x + u).ToArray();
            var ci = PairedBootstrap.MeanDifference(a, b, resamples: 1000, seed: (ulong)t);
            if (ci.Lower <= 0.3 && 0.3 <= ci.Upper) covered++;
        }
        double rate = covered / (double)trials;
        // Percentile intervals at n = 60 run slightly narrow; 95% nominal, binomial SE about 1.1%.
        Assert.InRange(rate, 0.90, 0.98);
    }

    [Fact]
    public void PairingSeesAShiftThatUnpairedNoiseHides()
    {
        var rng = new Random(3);
        var unit = Normal(rng, 100, 0, 5); // large between-image spread
        var b = unit.Select(u => u + 0.1 * rng.NextDouble()).ToArray();
        var a = b.Select(x => x + 0.5 + 0.1 * rng.NextDouble()).ToArray();
        var ci = PairedBootstrap.MeanDifference(a, b);
        Assert.True(ci.ExcludesZero);
        Assert.InRange(ci.Lower, 0.45, 0.55);
        var none = PairedBootstrap.MeanDifference(b, b);
        Assert.False(none.ExcludesZero);
        Assert.Equal(0, none.Estimate);
    }

    [Fact]
    public void RefusesWhatItCannotResample()
    {
        Assert.Throws<ArgumentException>(() => PairedBootstrap.MeanDifference([1.0, 2.0], [1.0]));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Mean([]));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Mean([1.0, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedBootstrap.Mean([1.0, 2.0], confidence: 1));
    }
}
