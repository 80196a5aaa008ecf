namespace GenerationPlatform.Evaluation;

/// <summary>
/// Bootstrap of a mean over units that come in clusters (a prompt's seeds): whole clusters are resampled with
/// replacement, so units of one prompt, which share its wording and are not independent, move together, and the
/// interval is as wide as the number of prompts makes it. The estimate is the mean over all units; a resample's mean is
/// the mean over the units of the clusters it drew. Deterministic given the seed.
/// </summary>
public static class PromptBootstrap
{
    /// <summary>The interval of the mean over every unit of <paramref name="clusters"/> (<see cref="BootstrapInterval.Pairs"/>: the clusters).</summary>
    public static BootstrapInterval Mean(IReadOnlyList<IReadOnlyList<double>> clusters, double confidence = 0.95,
        int resamples = PairedBootstrap.DefaultResamples, ulong seed = PairedBootstrap.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count == 0 || clusters.Any(c => c.Count == 0)) throw new ArgumentException("no clusters, or an empty one, to resample", nameof(clusters));
        if (confidence is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(confidence), "confidence must be in (0, 1)");
        if (resamples < 100) throw new ArgumentOutOfRangeException(nameof(resamples), "at least 100 resamples");
        if (clusters.Any(c => c.Any(v => !double.IsFinite(v)))) throw new ArgumentException("values must be finite", nameof(clusters));
        var sums = clusters.Select(c => c.Sum()).ToArray();
        var counts = clusters.Select(c => c.Count).ToArray();
        double estimate = sums.Sum() / counts.Sum();
        var means = new double[resamples];
        var rng = new PairedBootstrap.SplitMix64(seed);
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            long count = 0;
            for (int i = 0; i < clusters.Count; i++)
            {
                int k = rng.NextIndex(clusters.Count);
                sum += sums[k];
                count += counts[k];
            }
            means[r] = sum / count;
        }
        Array.Sort(means);
        double alpha = (1 - confidence) / 2;
        return new BootstrapInterval(estimate, PairedBootstrap.Percentile(means, alpha), PairedBootstrap.Percentile(means, 1 - alpha), clusters.Count);
    }
}
