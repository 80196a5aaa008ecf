using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// Best-of-N: N independent noises (seed, 0, i), each denoised and scored, the top-k kept. With
/// preview steps, candidates are scored on cheap previews and the top-k regenerated from the same
/// noises at full quality (final-denoising NFE). N is the most the budget allows.
/// </summary>
public sealed class RandomSearch(RandomSearchOptions? options = null) : ISearchAlgorithm
{
    private readonly RandomSearchOptions options = options ?? new();

    public string Name => "random";

    public object Options => options;

    public void Validate() => options.Validate();

    /// <summary>How many candidates a budget buys (at most <see cref="SearchLimits.MaxScoredImages"/>).</summary>
    public int CandidateCount(SearchRequest request)
    {
        int full = request.SampleNfe;
        if (options.PreviewSteps is not int preview) return (int)Math.Min(SearchLimits.MaxScoredImages, request.BudgetNfe / full);
        int previewNfe = (request with { Steps = preview }).SampleNfe;
        long left = request.BudgetNfe - (long)request.TopK * full;
        return left <= 0 ? 0 : (int)Math.Min(SearchLimits.MaxScoredImages - request.TopK, left / previewNfe);
    }

    public SearchPlan Plan(SearchRequest request)
    {
        request.Validate();
        options.Validate();
        int n = CandidateCount(request);
        if (n < 1) throw new SearchPlanException(SearchPlanField.Budget, null, NoCandidate(request));
        int scoring = options.PreviewSteps is int p ? (request with { Steps = p }).SampleNfe : request.SampleNfe;
        int finals = options.PreviewSteps is null ? 0 : Math.Min(request.TopK, n);
        long nfe = checked((long)n * scoring + (long)finals * request.SampleNfe);
        int perRound = options.RoundSize(request, n);
        int rounds = (n + perRound - 1) / perRound;
        if (rounds > SearchLimits.MaxRounds)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "candidates-per-round",
                $"algorithm 'random': parameter 'candidates-per-round' {perRound} makes {rounds} rounds of this budget's {n} candidates; " +
                $"at most {SearchLimits.MaxRounds} (use at least {(n + SearchLimits.MaxRounds - 1) / SearchLimits.MaxRounds})");
        return new SearchPlan(nfe, rounds, Math.Max(Math.Min(n, perRound), finals), n + finals, n + finals);
    }

    /// <summary>With no round size given, the one <see cref="RandomSearchOptions.RoundSize"/> picks for this request.</summary>
    public ISearchAlgorithm ForRequest(SearchRequest request) => options.CandidatesPerRound is not null ? this
        : new RandomSearch(options with { CandidatesPerRound = options.RoundSize(request, Math.Max(1, CandidateCount(request))) });

    private string NoCandidate(SearchRequest request) =>
        $"a budget of {request.BudgetNfe} NFE buys no candidate (one costs {request.SampleNfe} NFE{(options.PreviewSteps is null ? "" : $" plus {request.TopK} final samples")})";

    public async Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken)
    {
        options.Validate();
        int n = CandidateCount(request);
        if (n < 1) throw new BudgetExceededException(NoCandidate(request));
        // Checkpoint: every candidate's seed and scores; images only where the rest of the run may need them.
        int perRound = options.RoundSize(request, n);
        var saved = context.Resume(Name, $"preview={options.PreviewSteps};per-round={perRound}", request, (r, round) => new Saved(round, r.ReadCandidates()));
        bool batchRelative = Ranking.IsBatchRelative(context);
        var scoringRequest = options.PreviewSteps is int p ? request with { Steps = p } : request;
        var all = saved?.All ?? new List<Candidate>(n);
        int round = saved is null ? 0 : saved.Round + 1;
        for (int start = round * perRound; start < n; start += perRound, round++)
        {
            int count = Math.Min(perRound, n - start);
            var seeds = Enumerable.Range(start, count).Select(i => new NoiseSeed(request.Seed, 0, (uint)i)).ToArray();
            var outcomes = await context.DenoiseAsync(seeds.Select(s => scoringRequest.Full(s)).ToArray(), isFinal: false, cancellationToken).ConfigureAwait(false);
            var scores = await context.ScoreAsync(outcomes.Select(o => context.Input(request, o.State)).ToArray(), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < count; i++) all.Add(new Candidate(seeds[i], outcomes[i].State, scores[i], round, options.PreviewSteps is null ? "noise" : "preview"));
            var best = Ranking.Best(all, request.TopK);
            // The final top-k is within every round's top-k, unless a batch-relative verifier re-scores the whole pool.
            context.Report(round, best, w => w.Write(all, c => batchRelative || best.Contains(c)));
            if (context.StopEarly)
            {
                round++;
                break;
            }
        }
        var pool = await Ranking.ComparableAsync(context, all, request, cancellationToken).ConfigureAwait(false);
        var top = Ranking.Best(pool, Math.Min(request.TopK, pool.Count));
        if (options.PreviewSteps is not null)
        {
            // Regenerate the winners from their noises at full quality and score what is returned.
            var finals = await context.DenoiseAsync(top.Select(c => request.Full(c.Seed)).ToArray(), isFinal: true, cancellationToken).ConfigureAwait(false);
            var finalScores = await context.ScoreAsync(finals.Select(o => context.Input(request, o.State)).ToArray(), cancellationToken).ConfigureAwait(false);
            top = top.Select((c, i) => c with { Image = finals[i].State, Scores = finalScores[i], Origin = "final" }).ToList();
            top = Ranking.Best(top, top.Count);
        }
        context.Report(round, top);
        return context.Result(Name, top, pool, round);
    }

    private sealed record Saved(int Round, List<Candidate> All);
}
