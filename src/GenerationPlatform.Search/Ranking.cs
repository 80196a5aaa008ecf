namespace GenerationPlatform.Search;

internal static class Ranking
{
    /// <summary>Best first by the primary score; ties broken by seed so the order is deterministic.</summary>
    public static List<Candidate> Best(IEnumerable<Candidate> candidates, int k) =>
        candidates.OrderByDescending(c => c.Scores.Primary).ThenBy(c => c.Seed.Round).ThenBy(c => c.Seed.Candidate).Take(k).ToList();

    /// <summary>
    /// For batch-relative verifiers (rank ensembles), scores from different calls are not comparable:
    /// re-score the pool in one call (verifier cost only, no NFE) before choosing.
    /// </summary>
    public static bool IsBatchRelative(SearchContext context) => context.Verifiers.Primary.IsBatchRelative;

    public static async Task<List<Candidate>> ComparableAsync(SearchContext context, IReadOnlyList<Candidate> pool, SearchRequest request, CancellationToken ct)
    {
        if (!context.Verifiers.Primary.IsBatchRelative || pool.Count == 0) return pool.ToList();
        var scores = await context.ScoreAsync(pool.Select(c => context.Input(request, c.Image)).ToArray(), ct).ConfigureAwait(false);
        return pool.Select((c, i) => c with { Scores = scores[i] }).ToList();
    }
}
