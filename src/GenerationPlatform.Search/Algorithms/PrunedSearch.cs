using System.Globalization;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// Pruned best-of-N (successive halving): denoise all N candidates to an intermediate time, score
/// their x0-predictions, continue only the most promising fraction, repeat; the survivors finish
/// as full samples and the best k are returned.
/// </summary>
public sealed class PrunedSearch(PrunedOptions? options = null) : ISearchAlgorithm
{
    private readonly PrunedOptions options = options ?? new();

    public string Name => "pruned";

    public object Options => options;

    public void Validate() => options.Validate();

    public bool RanksNoisyInputs => options.Ranking == PruneRanking.NoiseAware;

    /// <summary>Step indices at which pruning happens (distinct, inside the schedule).</summary>
    public int[] PruneSteps(SearchRequest request) => StageSchedule.Steps(options.Stages, request);

    /// <summary>Exact NFE of a run with N starting candidates.</summary>
    public long Cost(SearchRequest request, int n)
    {
        var cuts = PruneSteps(request);
        long total = 0;
        int alive = n, from = 0;
        foreach (var cut in cuts.Append(request.Steps))
        {
            total += (long)alive * request.SegmentNfe(from, cut);
            alive = Survivors(alive, request.TopK);
            from = cut;
        }
        return total;
    }

    private int Survivors(int alive, int topK) => Math.Min(alive, Math.Max(topK, (int)Math.Ceiling(alive * options.Keep)));

    /// <summary>Images a run with N candidates scores: every stage's candidates, then the survivors' finals.</summary>
    private int Scored(SearchRequest request, int n)
    {
        int scored = 0, alive = n;
        foreach (var _ in PruneSteps(request).Append(request.Steps))
        {
            scored += alive;
            alive = Survivors(alive, request.TopK);
        }
        return scored;
    }

    /// <summary>N: as set (0 if the budget cannot pay for it), or the most the budget pays for within one call and the image cap.</summary>
    public int CandidateCount(SearchRequest request)
    {
        if (options.Candidates is int fixedN) return Cost(request, fixedN) <= request.BudgetNfe ? fixedN : 0;
        // Cost and images grow with N: the largest affordable N by bisection.
        return SearchLimits.LargestFitting(0, SearchLimits.MaxTrajectoriesPerCall,
            m => Cost(request, m) <= request.BudgetNfe && Scored(request, m) <= SearchLimits.MaxScoredImages);
    }

    public SearchPlan Plan(SearchRequest request)
    {
        request.Validate();
        options.Validate();
        int n = CandidateCount(request);
        if (n < 1)
            throw new SearchPlanException(options.Candidates is null ? SearchPlanField.Budget : SearchPlanField.AlgorithmParameter,
                options.Candidates is null ? null : "candidates",
                $"a budget of {request.BudgetNfe} NFE cannot run {options.Candidates ?? 1} candidate(s) through the pruning schedule " +
                $"({Cost(request, options.Candidates ?? 1)} NFE)");
        if (Scored(request, n) > SearchLimits.MaxScoredImages)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "candidates",
                $"{n} candidates score {Scored(request, n)} images; at most {SearchLimits.MaxScoredImages}");
        return new SearchPlan(Cost(request, n), PruneSteps(request).Length + 1, n, Scored(request, n), Scored(request, n));
    }

    public async Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken)
    {
        options.Validate();
        int n = CandidateCount(request);
        var stages = string.Join(",", options.Stages.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        var saved = context.Resume(Name,
            $"prune-at={stages};keep={options.Keep:R};candidates={options.Candidates}{(RanksNoisyInputs ? ";ranking=noise-aware" : "")}", request,
            (r, round) =>
            {
                var kept = new List<(NoiseSeed Seed, float[]? State)>();
                for (int i = r.ReadInt32(); i > 0; i--) kept.Add((r.ReadSeed(), r.ReadFloats()));
                return new Saved(round, kept, r.ReadCandidates());
            });
        StageSchedule.RequireHead(Name, options.Ranking, context);
        if (saved is null && n < 1)
            throw new BudgetExceededException($"a budget of {request.BudgetNfe} NFE cannot run {options.Candidates ?? 1} candidate(s) through the pruning schedule");
        var alive = saved?.Alive ?? Enumerable.Range(0, n).Select(i => (Seed: new NoiseSeed(request.Seed, 0, (uint)i), State: (float[]?)null)).ToList();
        var cuts = PruneSteps(request);
        var pruned = saved?.Pruned ?? [];
        int round = saved is null ? 0 : saved.Round + 1;
        if (round > cuts.Length) throw new InvalidCheckpointException($"the checkpoint is after pruning stage {round - 1}; this schedule has {cuts.Length}");
        int from = round == 0 ? 0 : cuts[round - 1];
        for (; round < cuts.Length; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int cut = cuts[round];
            var outcomes = await context.DenoiseAsync(alive.Select(a => request.Segment(a.Seed, a.State, from, cut)).ToArray(), false, cancellationToken).ConfigureAwait(false);
            var scores = await context.ScoreAsync(outcomes.Select(o => StageSchedule.RankingInput(context, request, o, options.Ranking)).ToArray(), cancellationToken)
                .ConfigureAwait(false);
            var ranked = Enumerable.Range(0, alive.Count)
                .Select(i => (Index: i, Candidate: new Candidate(alive[i].Seed, outcomes[i].X0Predictions[^1].Image, scores[i], round,
                    $"x0-prediction at t={outcomes[i].X0Predictions[^1].Time:F2}")))
                .OrderByDescending(x => x.Candidate.Scores.Primary).ThenBy(x => x.Candidate.Seed.Candidate).ToList();
            int keep = Survivors(alive.Count, request.TopK);
            pruned.AddRange(ranked.Skip(keep).Select(x => x.Candidate));
            alive = ranked.Take(keep).Select(x => (alive[x.Index].Seed, (float[]?)outcomes[x.Index].State)).ToList();
            // Checkpoint: the survivors' seeds and states, and the pruned candidates (no images: only reported).
            context.Report(round, ranked.Take(request.TopK).Select(x => x.Candidate).ToList(), w =>
            {
                w.Write(alive.Count);
                foreach (var (seed, state) in alive) { w.Write(seed); w.Write(state); }
                w.Write(pruned, _ => false);
            });
            from = cut;
        }
        // The survivors' last segment produces the returned images: final-denoising NFE.
        var finals = await context.DenoiseAsync(alive.Select(a => request.Segment(a.Seed, a.State, from, request.Steps)).ToArray(), true, cancellationToken).ConfigureAwait(false);
        var finalScores = await context.ScoreAsync(finals.Select(o => context.Input(request, o.State)).ToArray(), cancellationToken).ConfigureAwait(false);
        var done = alive.Select((a, i) => new Candidate(a.Seed, finals[i].State, finalScores[i], round, "survivor")).ToList();
        var top = Ranking.Best(done, request.TopK);
        context.Report(round, top);
        return context.Result(Name, top, [.. done, .. pruned], round + 1);
    }

    private sealed record Saved(int Round, List<(NoiseSeed Seed, float[]? State)> Alive, List<Candidate> Pruned);
}
