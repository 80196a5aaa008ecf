using GenerationPlatform.Serving;

namespace GenerationPlatform.Search.Tests;

/// <summary>The fit routing compares denoisers by: rows per second of a full call, whatever sizes the recent calls had.</summary>
public sealed class CallTimeFitTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void CallsOfSeveralSizesGiveTheRateOfAFullCall()
    {
        // t(b) = 40 ms + 16 ms x b: a full call of 16 rows takes 296 ms, 54.05 rows/s, whatever sizes were seen.
        var small = new CallTimeFit();
        foreach (int b in new[] { 1, 2, 4, 3, 2, 5 }) small.Add(b, Ms(40 + 16 * b));
        var large = new CallTimeFit();
        foreach (int b in new[] { 16, 12, 16, 14 }) large.Add(b, Ms(40 + 16 * b));
        Assert.Equal(16 / 0.296, small.RowsPerSecond(16), 3);
        Assert.Equal(16 / 0.296, large.RowsPerSecond(16), 3);
        // A per-call rate would say the lightly used denoiser is 2.6x slower: 5 rows in 120 ms against 16 in 296 ms.
        Assert.True(5 / 0.120 < 0.8 * (16 / 0.296));
    }

    [Fact]
    public void CallsOfOneSizeGiveTheirOwnRate()
    {
        var fit = new CallTimeFit();
        for (int i = 0; i < 5; i++) fit.Add(8, Ms(100));
        Assert.Equal(80, fit.RowsPerSecond(16), 6);
    }

    [Fact]
    public void TheFirstCallsOneTimeCostsAreLeftOut()
    {
        var fit = new CallTimeFit();
        fit.Add(8, Ms(2000)); // JIT, allocations, kernel selection
        Assert.Equal(0, fit.RowsPerSecond(16));
        for (int i = 0; i < 3; i++) fit.Add(8, Ms(100));
        Assert.Equal(80, fit.RowsPerSecond(16), 6);
    }

    [Fact]
    public void NothingSeenIsNoRateAndNonsenseIsIgnored()
    {
        var fit = new CallTimeFit();
        Assert.Equal(0, fit.RowsPerSecond(16));
        fit.Add(0, Ms(10));
        fit.Add(4, TimeSpan.Zero);
        Assert.Equal(0, fit.RowsPerSecond(16));
    }

    [Fact]
    public void RecentCallsWeighMost()
    {
        // The device slowed down (another tenant of the GPU, thermal limits): the fit follows within a few dozen calls.
        var fit = new CallTimeFit();
        for (int i = 0; i < 50; i++) fit.Add(8 + i % 8, Ms(10 + 2 * (8 + i % 8)));
        for (int i = 0; i < 100; i++) fit.Add(8 + i % 8, Ms(20 + 4 * (8 + i % 8)));
        Assert.InRange(fit.RowsPerSecond(16), 0.98 * 16 / 0.084, 1.02 * 16 / 0.084); // and not the 16 / 0.042 of before
    }
}
