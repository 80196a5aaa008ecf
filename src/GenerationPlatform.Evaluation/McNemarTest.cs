namespace GenerationPlatform.Evaluation;

/// <summary>
/// The exact McNemar test of paired binary outcomes (correct or not, image by image): only the discordant pairs carry
/// information, and under the null hypothesis each of them falls to either side with probability 1/2, so the count on
/// one side is Binomial(b + c, 1/2). The two-sided p-value is twice the smaller tail, capped at 1. Unlike a percentile
/// bootstrap of the accuracy difference, it stays honest when every discordant pair points one way (5 against 0 gives
/// p = 0.0625, not an interval that excludes 0).
/// </summary>
public static class McNemarTest
{
    /// <summary>
    /// The result for <paramref name="onlyA"/> pairs where A alone is correct and <paramref name="onlyB"/> where B alone is.
    /// </summary>
    public static McNemarResult Exact(int onlyA, int onlyB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyA);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyB);
        int n = onlyA + onlyB;
        if (n == 0) return new McNemarResult(0, 0, 1);
        int k = Math.Min(onlyA, onlyB);
        // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so that n in the thousands neither overflows nor underflows.
        double logHalfPowN = -n * Math.Log(2);
        double tail = 0, logChoose = 0;
        for (int i = 0; i <= k; i++)
        {
            if (i > 0) logChoose += Math.Log(n - i + 1) - Math.Log(i);
            tail += Math.Exp(logChoose + logHalfPowN);
        }
        return new McNemarResult(onlyA, onlyB, Math.Min(1, 2 * tail));
    }

    /// <summary>The test over the pairs (a[i], b[i]) of outcomes.</summary>
    public static McNemarResult Exact(IReadOnlyList<bool> a, IReadOnlyList<bool> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"paired samples differ in length ({a.Count} and {b.Count})");
        int onlyA = 0, onlyB = 0;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] && !b[i]) onlyA++;
            else if (b[i] && !a[i]) onlyB++;
        }
        return Exact(onlyA, onlyB);
    }
}
