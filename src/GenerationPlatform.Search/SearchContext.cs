using System.Diagnostics;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Verifiers.Core;

namespace GenerationPlatform.Search;

/// <summary>
/// What an algorithm runs against: the denoiser, the verifiers and the budget. Every denoise call
/// is charged to the budget before it runs; every call is timed by kind.
/// </summary>
public sealed class SearchContext(IDenoiser denoiser, VerifierPanel verifiers, NfeBudget budget, IProgress<SearchProgress>? progress = null)
{
    private readonly Stopwatch searchClock = new(), finalClock = new(), verifyClock = new();

    public NfeBudget Budget => budget;
    public VerifierPanel Verifiers => verifiers;
    public TimeSpan SearchTime => searchClock.Elapsed;
    public TimeSpan FinalTime => finalClock.Elapsed;
    public TimeSpan VerifierTime => verifyClock.Elapsed;
    public NfeSplit Nfe => new(budget.SearchNfe, budget.FinalNfe, budget.ModelEvaluations);

    /// <summary>Denoises segments, charging their exact NFE as search or final-denoising NFE.</summary>
    public async Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> specs, bool isFinal, CancellationToken cancellationToken)
    {
        if (specs.Count == 0) return [];
        cancellationToken.ThrowIfCancellationRequested();
        budget.Charge(specs.Sum(s => (long)s.Nfe), specs.Sum(s => (long)s.ModelEvaluations), isFinal);
        var clock = isFinal ? finalClock : searchClock;
        clock.Start();
        try
        {
            var outcomes = await denoiser.DenoiseAsync(specs, cancellationToken).ConfigureAwait(false);
            if (outcomes.Length != specs.Count) throw new InvalidOperationException($"denoiser returned {outcomes.Length} outcomes for {specs.Count} segments");
            return outcomes;
        }
        finally { clock.Stop(); }
    }

    public async Task<CandidateScores[]> ScoreAsync(IReadOnlyList<VerifierInput> inputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        verifyClock.Start();
        try { return await verifiers.ScoreAsync(inputs, cancellationToken).ConfigureAwait(false); }
        finally { verifyClock.Stop(); }
    }

    public void Report(int round, IReadOnlyList<Candidate> best) =>
        progress?.Report(new SearchProgress(round, Nfe, budget.Limit, best.Count > 0 ? best[0].Scores.Primary : double.NaN, best));

    public SearchResult Result(string algorithm, IReadOnlyList<Candidate> top, IReadOnlyList<Candidate> all, int rounds)
    {
        var cost = verifiers.Cost;
        return new SearchResult(algorithm, verifiers.Primary.Name, top, all, Nfe, budget.Limit, cost.Calls, cost.Images, SearchTime, FinalTime, VerifierTime, rounds);
    }
}

/// <summary>A search algorithm of SEARCH.md section 3: proposes noises or paths, has them denoised and verified, within the budget.</summary>
public interface ISearchAlgorithm
{
    string Name { get; }

    /// <summary>The algorithm's parameters (a record: its ToString names every value).</summary>
    object Options { get; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad parameter.</summary>
    void Validate();

    Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken);
}

internal static class Ranking
{
    /// <summary>Best first by the primary score; ties broken by seed so the order is deterministic.</summary>
    public static List<Candidate> Best(IEnumerable<Candidate> candidates, int k) =>
        candidates.OrderByDescending(c => c.Scores.Primary).ThenBy(c => c.Seed.Round).ThenBy(c => c.Seed.Candidate).Take(k).ToList();

    /// <summary>
    /// For batch-relative verifiers (rank ensembles), scores from different calls are not comparable:
    /// re-score the pool in one call (verifier cost only, no NFE) before choosing.
    /// </summary>
    public static async Task<List<Candidate>> ComparableAsync(SearchContext context, IReadOnlyList<Candidate> pool, int label, CancellationToken ct)
    {
        if (!BatchRelativity.IsBatchRelative(context.Verifiers.Primary) || pool.Count == 0) return pool.ToList();
        var scores = await context.ScoreAsync(pool.Select(c => new VerifierInput(c.Image, label)).ToArray(), ct).ConfigureAwait(false);
        return pool.Select((c, i) => c with { Scores = scores[i] }).ToList();
    }
}
