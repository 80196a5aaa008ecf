namespace GenerationPlatform.Evaluation.Tests;

public sealed class McNemarTestTests
{
    [Theory]
    [InlineData(5, 0, 0.0625)]      // the audit's search-against-steps case: not significant at 5%
    [InlineData(0, 5, 0.0625)]      // symmetric
    [InlineData(11, 2, 0.0224609375)] // the capacity comparison on seed 1: 2 x P(X <= 2), X ~ B(13, 1/2) = 2 x 92 / 8192
    [InlineData(6, 0, 0.03125)]
    [InlineData(3, 3, 1.0)]         // two tails over 1: capped
    [InlineData(0, 0, 1.0)]         // no discordant pair: no evidence
    public void GivesTheExactTwoSidedBinomialPValue(int onlyA, int onlyB, double p)
    {
        var result = McNemarTest.Exact(onlyA, onlyB);
        Assert.Equal((onlyA, onlyB), (result.OnlyA, result.OnlyB));
        Assert.Equal(p, result.P, 12);
    }

    [Fact]
    public void StaysFiniteForThousandsOfDiscordantPairs()
    {
        var balanced = McNemarTest.Exact(2000, 2000);
        Assert.InRange(balanced.P, 0.9, 1.0);
        var lopsided = McNemarTest.Exact(3000, 1000);
        Assert.True(lopsided.P is >= 0 and < 1e-100, $"p = {lopsided.P}");
    }

    [Fact]
    public void CountsOnlyTheDiscordantPairsOfTwoOutcomeLists()
    {
        bool[] a = [true, true, true, false, false, true];
        bool[] b = [true, false, false, false, true, true];
        var result = McNemarTest.Exact(a, b);
        Assert.Equal((2, 1), (result.OnlyA, result.OnlyB));
        Assert.Equal("2 / 1, p = 1", result.ToString());
        Assert.Equal("5 / 0, p = 0.0625", McNemarTest.Exact(5, 0).ToString());
        Assert.Equal("30 / 0, p = 1.9E-9", McNemarTest.Exact(30, 0).ToString());
        Assert.Throws<ArgumentException>(() => McNemarTest.Exact(a, b[..5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => McNemarTest.Exact(-1, 0));
    }
}
