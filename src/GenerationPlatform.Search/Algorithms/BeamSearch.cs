using System.Globalization;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// Beam search with lookahead (SEARCH.md section 3.4): N starting noises run to the first expansion point, where their
/// x0-predictions are ranked and the best B kept; at each later point every beam has grown M stochastic branches since
/// the last (the request's schedule, with stochastic steps of noise <see cref="BeamOptions.Eta"/> so branches differ), and
/// the best B of the B x M branches go on; after the last point the beams finish deterministically and the best k are
/// returned. Ranking is the verifier on the x0-predictions, or its noise-aware head (the cheap lookahead: a prediction of
/// the finished image's score). With M = 1 it is pruning to B at the first point; it generalises pruned and path search.
/// </summary>
public sealed class BeamSearch(BeamOptions? options = null) : ISearchAlgorithm
{
    private readonly BeamOptions options = options ?? new();

    public string Name => "beam";

    public object Options => options;

    public void Validate() => options.Validate();

    public bool RanksNoisyInputs => options.Ranking == PruneRanking.NoiseAware;

    /// <summary>Step indices of the expansion points (distinct, inside the schedule).</summary>
    public int[] ExpandSteps(SearchRequest request) => StageSchedule.Steps(options.Stages, request);

    /// <summary>A branch: steps [from, to) of the grid with stochastic steps, its x0-prediction at its end (one more NFE at the cut).</summary>
    private TrajectorySpec Branch(SearchRequest request, NoiseSeed seed, float[] state, int from, int to) =>
        request.Segment(seed, state, from, to) with { Sampler = SamplerKind.Stochastic, Eta = (float)options.Eta };

    private int Kept(int alive, SearchRequest request) => Math.Min(alive, Math.Max(options.Beams, request.TopK));

    /// <summary>Exact NFE of a run from N starting noises, and the images it scores.</summary>
    public (long Nfe, int Scored, int LargestCall) Cost(SearchRequest request, int n)
    {
        var cuts = ExpandSteps(request);
        if (cuts.Length == 0) return (checked((long)n * request.SampleNfe), n, n);
        long nfe = checked((long)n * request.SegmentNfe(0, cuts[0]));
        int scored = n, largest = n, alive = Kept(n, request);
        for (int r = 1; r < cuts.Length; r++)
        {
            int grown = checked(alive * options.Branches);
            nfe = checked(nfe + (long)grown * Branch(request, default, [], cuts[r - 1], cuts[r]).Nfe);
            scored = checked(scored + grown);
            largest = Math.Max(largest, grown);
            alive = Kept(grown, request);
        }
        nfe = checked(nfe + (long)alive * request.SegmentNfe(cuts[^1], request.Steps));
        return (nfe, checked(scored + alive), largest);
    }

    public int CandidateCount(SearchRequest request)
    {
        if (options.Candidates is int fixedN) return Cost(request, fixedN).Nfe <= request.BudgetNfe ? fixedN : 0;
        int n = SearchLimits.LargestFitting(0, SearchLimits.MaxTrajectoriesPerCall, m =>
        {
            var (nfe, scored, _) = Cost(request, m);
            return nfe <= request.BudgetNfe && scored <= SearchLimits.MaxScoredImages;
        });
        return n;
    }

    public SearchPlan Plan(SearchRequest request)
    {
        request.Validate();
        options.Validate();
        int n = CandidateCount(request);
        if (n < 1)
            throw new SearchPlanException(options.Candidates is null ? SearchPlanField.Budget : SearchPlanField.AlgorithmParameter,
                options.Candidates is null ? null : "candidates",
                $"a budget of {request.BudgetNfe} NFE cannot run {options.Candidates ?? 1} candidate(s) through the beam schedule " +
                $"({Cost(request, options.Candidates ?? 1).Nfe} NFE)");
        var (nfe, scored, largest) = Cost(request, n);
        // The beams kept are max(beams, top-k): a large top-k grows every expansion beyond what beams x branches alone allows.
        if (largest > SearchLimits.MaxTrajectoriesPerCall)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "branches",
                $"algorithm 'beam': parameter 'branches' {options.Branches} grows max(beams, top-k) = {Math.Max(options.Beams, request.TopK)} beams " +
                $"into {largest} branches at once; at most {SearchLimits.MaxTrajectoriesPerCall}");
        if (scored > SearchLimits.MaxScoredImages)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "candidates", $"{n} candidates score {scored} images; at most {SearchLimits.MaxScoredImages}");
        return new SearchPlan(nfe, ExpandSteps(request).Length + 1, largest, scored, scored);
    }

    public async Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken)
    {
        options.Validate();
        var stages = string.Join(",", options.Stages.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        var saved = context.Resume(Name,
            $"beams={options.Beams};branches={options.Branches};expand-at={stages};eta={options.Eta:R};ranking={options.Ranking};candidates={options.Candidates}",
            request, (r, round) =>
            {
                var beams = new List<(NoiseSeed Seed, float[] State)>();
                for (int i = r.ReadInt32(); i > 0; i--) beams.Add((r.ReadSeed(), r.ReadFloats() ?? throw new InvalidCheckpointException("a beam without its state")));
                return new Saved(round, beams, r.ReadCandidates());
            });
        StageSchedule.RequireHead(Name, options.Ranking, context);
        int n = CandidateCount(request);
        if (saved is null && n < 1) throw new BudgetExceededException($"a budget of {request.BudgetNfe} NFE cannot run one candidate through the beam schedule");
        var cuts = ExpandSteps(request);
        var dropped = saved?.Dropped ?? [];
        int round = saved is null ? 0 : saved.Round + 1;
        if (round > cuts.Length) throw new InvalidCheckpointException($"the checkpoint is after expansion {round - 1}; this schedule has {cuts.Length}");
        var beams = saved?.Beams ?? [];
        for (; round < cuts.Length; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int cut = cuts[round];
            // Round 0 starts the candidates from noise with the request's sampler; later rounds grow M branches per beam.
            var grown = round == 0
                ? Enumerable.Range(0, n)
                    .Select(i => (Seed: new NoiseSeed(request.Seed, 0, (uint)i), Spec: request.Segment(new NoiseSeed(request.Seed, 0, (uint)i), null, 0, cut)))
                    .ToArray()
                : beams.SelectMany((b, i) => Enumerable.Range(0, options.Branches).Select(m =>
                {
                    var seed = new NoiseSeed(request.Seed, (uint)round, (uint)(i * options.Branches + m));
                    return (Seed: seed, Spec: Branch(request, seed, b.State, cuts[round - 1], cut));
                })).ToArray();
            var outcomes = await context.DenoiseAsync(grown.Select(g => g.Spec).ToArray(), false, cancellationToken).ConfigureAwait(false);
            var scores = await context.ScoreAsync(outcomes.Select(o => StageSchedule.RankingInput(context, request, o, options.Ranking)).ToArray(), cancellationToken)
                .ConfigureAwait(false);
            var ranked = Enumerable.Range(0, grown.Length)
                .Select(i => (Index: i, Candidate: new Candidate(grown[i].Seed, outcomes[i].X0Predictions[^1].Image, scores[i], round,
                    $"x0-prediction at t={outcomes[i].X0Predictions[^1].Time:F2}")))
                .OrderByDescending(x => x.Candidate.Scores.Primary).ThenBy(x => x.Candidate.Seed.Candidate).ToList();
            int keep = Kept(grown.Length, request);
            dropped.AddRange(ranked.Skip(keep).Select(x => x.Candidate));
            beams = ranked.Take(keep).Select(x => (grown[x.Index].Seed, outcomes[x.Index].State)).ToList();
            context.Report(round, ranked.Take(request.TopK).Select(x => x.Candidate).ToList(), w =>
            {
                w.Write(beams.Count);
                foreach (var (seed, state) in beams) { w.Write(seed); w.Write(state); }
                w.Write(dropped, _ => false);
            });
        }
        // The beams finish with the request's sampler: final-denoising NFE (all of it when the schedule has no expansion point).
        var seeds = cuts.Length == 0 ? Enumerable.Range(0, n).Select(i => new NoiseSeed(request.Seed, 0, (uint)i)).ToArray() : beams.Select(b => b.Seed).ToArray();
        var finals = await context.DenoiseAsync(cuts.Length == 0
            ? seeds.Select(s => request.Full(s)).ToArray()
            : beams.Select(b => request.Segment(b.Seed, b.State, cuts[^1], request.Steps)).ToArray(), true, cancellationToken).ConfigureAwait(false);
        var finalScores = await context.ScoreAsync(finals.Select(o => context.Input(request, o.State)).ToArray(), cancellationToken).ConfigureAwait(false);
        var done = seeds.Select((s, i) => new Candidate(s, finals[i].State, finalScores[i], round, "beam")).ToList();
        var top = Ranking.Best(done, request.TopK); // every final was scored in the one call above: already comparable
        context.Report(round, top);
        return context.Result(Name, top, [.. done, .. dropped], round + 1);
    }

    private sealed record Saved(int Round, List<(NoiseSeed Seed, float[] State)> Beams, List<Candidate> Dropped);
}
