namespace GenerationPlatform.Bench;

/// <summary>Latency percentiles for the benchmark commands: one definition, the nearest rank.</summary>
internal static class Percentile
{
    /// <summary>The nearest-rank q-quantile of <paramref name="values"/> (q in (0, 1]); NaN when there are none.</summary>
    public static double Of(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
