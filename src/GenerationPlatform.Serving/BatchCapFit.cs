namespace GenerationPlatform.Serving;

/// <summary>
/// The batch cap from noisy timings, so that it does not swing with what else ran during the measurement: the median
/// rows/s of repeated measurements per batch size, a monotone (non-decreasing) least-squares fit of those medians, the knee
/// of the fit, and a check against the last known cap, which is kept while the new fit still puts it on the plateau.
/// </summary>
public static class BatchCapFit
{
    /// <summary>The median rows/s of each batch size's samples, by batch size.</summary>
    public static IReadOnlyList<BatchCap.Point> Medians(IEnumerable<BatchCap.Point> samples) =>
        [.. samples.GroupBy(s => s.Batch).OrderBy(g => g.Key).Select(g => new BatchCap.Point(g.Key, Median([.. g.Select(s => s.RowsPerSecond)])))];

    /// <summary>
    /// The non-decreasing curve nearest <paramref name="points"/> (ordered by batch) in least squares: adjacent points that
    /// fall are pooled to their mean (pool adjacent violators). A dip between two faster sizes is noise, not a property of the device.
    /// </summary>
    public static IReadOnlyList<BatchCap.Point> Monotone(IReadOnlyList<BatchCap.Point> points)
    {
        var blocks = new List<(double Sum, int Count)>();
        foreach (var p in points)
        {
            blocks.Add((p.RowsPerSecond, 1));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count > blocks[^1].Sum / blocks[^1].Count)
            {
                var (s, c) = blocks[^1];
                blocks.RemoveAt(blocks.Count - 1);
                blocks[^1] = (blocks[^1].Sum + s, blocks[^1].Count + c);
            }
        }
        var fitted = new List<BatchCap.Point>(points.Count);
        int i = 0;
        foreach (var (sum, count) in blocks)
            for (int k = 0; k < count; k++, i++) fitted.Add(new BatchCap.Point(points[i].Batch, sum / count));
        return fitted;
    }

    /// <summary>
    /// Whether bigger batches need not be measured: the last three sizes of <paramref name="medians"/> (ordered by batch; powers of
    /// two: an eightfold batch) raised the best rate by less than 1/<paramref name="fraction"/>, so the knee lies among the earlier sizes.
    /// </summary>
    public static bool PastThePlateau(IReadOnlyList<BatchCap.Point> medians, double fraction = 0.95) =>
        medians.Count >= 4 && medians.Take(medians.Count - 3).Max(p => p.RowsPerSecond) >= fraction * medians.Max(p => p.RowsPerSecond);

    /// <summary>
    /// The cap from <paramref name="samples"/> (any number per batch size): the knee of the monotone fit of the medians, or
    /// <paramref name="lastKnown"/> when it is a measured size whose fitted rate is still within <paramref name="fraction"/> of the best.
    /// </summary>
    public static BatchCapChoice Choose(IReadOnlyList<BatchCap.Point> samples, int? lastKnown = null, double fraction = 0.95)
    {
        if (samples.Count == 0) throw new ArgumentException("no measured points", nameof(samples));
        if (samples.Any(s => s.Batch < 1 || !double.IsFinite(s.RowsPerSecond) || s.RowsPerSecond < 0))
            throw new ArgumentException("every sample needs a positive batch and a finite, non-negative rate", nameof(samples));
        var medians = Medians(samples);
        var fitted = Monotone(medians);
        int knee = BatchCap.Knee(fitted, fraction);
        double best = fitted.Max(p => p.RowsPerSecond);
        bool keep = lastKnown is { } last && last != knee && fitted.Any(p => p.Batch == last && p.RowsPerSecond >= fraction * best);
        return new BatchCapChoice(medians, fitted, keep ? lastKnown!.Value : knee, knee, lastKnown, samples.Count);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
