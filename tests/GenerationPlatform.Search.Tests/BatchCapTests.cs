using GenerationPlatform.Serving;

namespace GenerationPlatform.Search.Tests;

/// <summary>The batch cap from given timings (no model): the knee, the robust fit and its check against the last known cap.</summary>
public sealed class BatchCapTests
{
    private static BatchCap.Point P(int batch, double rowsPerSecond) => new(batch, rowsPerSecond);

    [Fact]
    public void TheCapIsTheSmallestBatchNearTheBestThroughput()
    {
        // A device with a fixed 2 ms per call and 0.05 ms per row up to 64 rows, slower per row beyond (caches spill):
        // throughput rises steeply, flattens near 64, then falls.
        static double Seconds(int b) => 0.002 + 0.00005 * b + (b > 64 ? 0.0002 * (b - 64) : 0);
        var curve = BatchCap.DefaultSizes.Select(b => new BatchCap.Point(b, b / Seconds(b))).ToList();
        Assert.Equal(64, BatchCap.Knee(curve));
        Assert.Equal(32, BatchCap.Knee(curve, fraction: 0.7)); // 8 889 rows/s at 32 against 12 308 at 64
        Assert.Equal(64, BatchCap.Knee(curve, fraction: 1.0));
    }

    [Fact]
    public void AFlatCurveTakesTheSmallestBatchAndBadInputIsRefused()
    {
        Assert.Equal(4, BatchCap.Knee([P(4, 100), P(8, 100), P(16, 99)]));
        Assert.Throws<ArgumentException>(() => BatchCap.Knee([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchCap.Knee([P(1, 1)], double.NaN));
        Assert.Throws<ArgumentException>(() => BatchCapFit.Choose([]));
        Assert.Throws<ArgumentException>(() => BatchCapFit.Choose([P(0, 10)]));
        Assert.Throws<ArgumentException>(() => BatchCapFit.Choose([P(1, double.NaN)]));
    }

    [Fact]
    public void TheMonotoneFitPoolsDipsAndKeepsRises()
    {
        // The curve (rows/s by batch 1, 2, 4, 8, 16): 61, 88, 69, 116, 150. The dip at 4 is pooled with 2.
        var fitted = BatchCapFit.Monotone([P(1, 61), P(2, 88), P(4, 69), P(8, 116), P(16, 150)]);
        Assert.Equal([61, 78.5, 78.5, 116, 150], fitted.Select(p => p.RowsPerSecond));
        Assert.Equal([1, 2, 4, 8, 16], fitted.Select(p => p.Batch));
        // A fall at the end is pooled back into the plateau: never above the best median, never decreasing.
        var falling = BatchCapFit.Monotone([P(1, 10), P(2, 20), P(4, 40), P(8, 36), P(16, 32)]);
        Assert.Equal([10, 20, 36, 36, 36], falling.Select(p => p.RowsPerSecond));
    }

    [Fact]
    public void OneSlowTimingPerSizeDoesNotMoveTheCap()
    {
        // Three timings per size on a device whose rate flattens at 32; in each size one timing ran beside something else (a third of the rate).
        double[] rate = [100, 190, 350, 600, 900, 960, 980, 990];
        int[] sizes = [1, 2, 4, 8, 16, 32, 64, 128];
        var samples = new List<BatchCap.Point>();
        for (int i = 0; i < sizes.Length; i++)
            samples.AddRange([P(sizes[i], rate[i] / 3), P(sizes[i], rate[i]), P(sizes[i], rate[i] * 1.02)]);
        var choice = BatchCapFit.Choose(samples);
        Assert.Equal(32, choice.Cap);
        Assert.Equal(32, choice.Knee);
        Assert.Equal(24, choice.Samples);
        Assert.Equal(rate, choice.Medians.Select(p => p.RowsPerSecond));
        // The disturbed timings alone would have put the cap elsewhere: a slow 32 among undisturbed others moves the knee to 64.
        Assert.Equal(64, BatchCap.Knee([.. sizes.Zip(rate, (b, r) => P(b, b == 32 ? r / 3 : r))]));
    }

    [Fact]
    public void TheLastKnownCapIsKeptWhileItIsOnThePlateau()
    {
        double[] rate = [100, 190, 350, 600, 900, 960, 980, 990];
        int[] sizes = [1, 2, 4, 8, 16, 32, 64, 128];
        var samples = sizes.Zip(rate, P).ToArray();
        // Knee 32 (960 >= 0.95 x 990); 64 and 128 are on the plateau too, 16 is not (900 < 940.5).
        Assert.Equal(64, BatchCapFit.Choose(samples, lastKnown: 64) is var kept && kept.KeptLastKnown ? kept.Cap : -1);
        Assert.Equal(32, BatchCapFit.Choose(samples, lastKnown: 16).Cap);
        Assert.False(BatchCapFit.Choose(samples, lastKnown: 16).KeptLastKnown);
        Assert.Equal(32, BatchCapFit.Choose(samples, lastKnown: 48).Cap); // not a measured size: the knee
        Assert.Equal(32, BatchCapFit.Choose(samples, lastKnown: 32).Cap);
    }

    [Fact]
    public void MeasuringStopsPastThePlateau()
    {
        Assert.False(BatchCapFit.PastThePlateau([P(1, 100), P(2, 190)]));
        Assert.False(BatchCapFit.PastThePlateau([P(1, 100), P(2, 190), P(4, 350), P(8, 355), P(16, 360)])); // two sizes: not yet
        Assert.True(BatchCapFit.PastThePlateau([P(1, 100), P(2, 190), P(4, 350), P(8, 355), P(16, 360), P(32, 362)]));
        Assert.True(BatchCapFit.PastThePlateau([P(1, 100), P(2, 190), P(4, 350), P(8, 300), P(16, 200), P(32, 100)]));
        Assert.False(BatchCapFit.PastThePlateau([P(1, 100), P(2, 190), P(4, 350), P(8, 355), P(16, 360), P(32, 500)])); // a late rise
    }

    [Fact]
    public void TheCurveLineShowsMediansAndTheFitWhereTheyDiffer()
    {
        var choice = BatchCapFit.Choose([P(1, 61), P(2, 88), P(4, 69), P(8, 116), P(16, 150)]);
        Assert.Equal("1: 61, 2: 88 (78), 4: 69 (78), 8: 116, 16: 150", choice.Curve);
        Assert.Equal(16, choice.Cap);
    }

    [Fact]
    public void MeasuringAFieldGivesRepeatedPositiveRatesPerSize()
    {
        var field = new GaussianField();
        var samples = BatchCap.Sample(field, [1, 4, 16], TimeSpan.FromMilliseconds(6), repeats: 3);
        Assert.Equal([1, 1, 1, 4, 4, 4, 16, 16, 16], samples.Select(p => p.Batch));
        Assert.All(samples, p => Assert.True(p.RowsPerSecond > 0));
        Assert.True(field.Calls >= 3 * 4); // a warm-up and at least one call per timing, per size
        var choice = BatchCap.Measure(field, [1, 4, 16], TimeSpan.FromMilliseconds(6));
        Assert.Contains(choice.Cap, new[] { 1, 4, 16 });
    }
}
