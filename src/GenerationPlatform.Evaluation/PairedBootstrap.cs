namespace GenerationPlatform.Evaluation;

/// <summary>
/// Paired bootstrap of a mean difference: the units (here images, each a seed and a class shared by both series) are
/// resampled with replacement, the same draw for both members of a pair, and the 2.5th and 97.5th percentiles of the
/// resampled mean difference are the 95% interval. Deterministic given the seed (its own generator, no global state).
/// </summary>
public static class PairedBootstrap
{
    public const int DefaultResamples = 4000;
    public const ulong DefaultSeed = 20260513;

    /// <summary>The interval of mean(a - b) over the pairs (a[i], b[i]).</summary>
    public static BootstrapInterval MeanDifference(IReadOnlyList<double> a, IReadOnlyList<double> b, double confidence = 0.95,
        int resamples = DefaultResamples, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"paired samples differ in length ({a.Count} and {b.Count})");
        var d = new double[a.Count];
        for (int i = 0; i < d.Length; i++) d[i] = a[i] - b[i];
        return Mean(d, confidence, resamples, seed);
    }

    /// <summary>The interval of the mean of <paramref name="values"/> (for a paired design, the per-unit differences).</summary>
    public static BootstrapInterval Mean(IReadOnlyList<double> values, double confidence = 0.95, int resamples = DefaultResamples, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("no pairs to resample", nameof(values));
        if (confidence is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(confidence), "confidence must be in (0, 1)");
        if (resamples < 100) throw new ArgumentOutOfRangeException(nameof(resamples), "at least 100 resamples");
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("values must be finite", nameof(values));
        int n = values.Count;
        double estimate = values.Average();
        var means = new double[resamples];
        var rng = new SplitMix64(seed);
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[rng.NextIndex(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        double alpha = (1 - confidence) / 2;
        return new BootstrapInterval(estimate, Percentile(means, alpha), Percentile(means, 1 - alpha), n);
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(position), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>SplitMix64 (Steele et al. 2014): small, fast and the same on every platform and runtime.</summary>
    internal struct SplitMix64(ulong seed)
    {
        private ulong state = seed;

        private ulong Next()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-32 for the n used here).</summary>
        public int NextIndex(int n) => (int)((Next() >> 32) * (ulong)n >> 32);
    }
}
