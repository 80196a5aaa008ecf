namespace GenerationPlatform.Core.Verifiers;

/// <summary>
/// `ensemble(a, b, ...)`: each member ranks the batch (1 = best, ties share their mean rank); the
/// score is minus the mean rank. Scores are relative to the batch they were computed in, so a
/// search compares only candidates scored in one call.
/// </summary>
public sealed class EnsembleVerifier(IReadOnlyList<IImageVerifier> members) : IImageVerifier
{
    private readonly VerifierCostMeter meter = new();

    public IReadOnlyList<IImageVerifier> Members { get; } = members.Count >= 2 ? members : throw new ArgumentException("an ensemble needs at least two verifiers", nameof(members));
    public string Name => $"ensemble({string.Join(",", Members.Select(m => m.Name))})";
    public bool NeedsProbe => Members.Any(m => m.NeedsProbe);

    /// <summary>Ranks within the batch: a score means something only next to the batch it came from.</summary>
    public bool IsBatchRelative => true;

    /// <summary>Every member scores every image; unknown (0) when any member's cost is.</summary>
    public double FlopsPerImage => Members.Any(m => m.FlopsPerImage <= 0) ? 0 : Members.Sum(m => m.FlopsPerImage);

    /// <summary>Own bookkeeping plus what the members spent on its behalf.</summary>
    public VerifierCost Cost => Members.Aggregate(meter.Snapshot, (c, m) => c.Add(m.Cost));

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
        meter.Measure(0, () =>
        {
            var meanRank = new double[batch.Count];
            foreach (var member in Members)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ranks = Ranks(member.Score(batch, cancellationToken));
                for (int i = 0; i < ranks.Length; i++) meanRank[i] += ranks[i] / Members.Count;
            }
            return meanRank.Select(r => -r).ToArray();
        });

    /// <summary>Rank 1 for the highest score; tied scores get the mean of the ranks they span.</summary>
    public static double[] Ranks(IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }
}
