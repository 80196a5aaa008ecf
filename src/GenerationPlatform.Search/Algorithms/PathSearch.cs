using System.Runtime.CompilerServices;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// Search over paths: N noises are denoised to t_start; every round each path is re-noised M times
/// forward by dt_f (exactly, for this interpolant), integrated back by dt_b, and the N best
/// x0-predictions' paths are kept, until t = 0; best-of-N over the survivors ends it. A round that
/// the budget cannot pay for while still finishing is skipped and the paths are finished directly.
/// </summary>
public sealed class PathSearch(PathOptions? options = null) : ISearchAlgorithm
{
    private const uint RenoiseStream = 20;
    private readonly PathOptions options = options ?? new();

    public string Name => "paths";

    public object Options => options;

    public void Validate() => options.Validate();

    private int StepsFor(SearchRequest request, double span) => Math.Max(1, (int)Math.Round(span * request.Steps));

    private TrajectorySpec Spec(SearchRequest request, NoiseSeed seed, float[]? state, double from, double to, int steps) =>
        new(seed, request.Label, request.Guidance, request.Sampler == SamplerKind.Stochastic ? SamplerKind.Euler : request.Sampler, steps, (float)from, (float)to,
            X0Times: [(float)to], InitialState: state, Embedding: request.Embedding);

    private long FinishCost(SearchRequest request, int paths, double t) =>
        t <= 0 ? 0 : checked((long)paths * Spec(request, default, null, 1, 0, StepsFor(request, t)).Nfe);

    /// <summary>The rounds' segments [t_f -> t_b] from t_start down to 0; bounded, since each moves t down by at least dt_b - dt_f.</summary>
    private IEnumerable<(double From, double To)> Rounds()
    {
        int taken = 0;
        for (double t = options.TStart; t > 0; taken++)
        {
            if (taken >= SearchLimits.MaxRounds) throw new InvalidOperationException("path rounds do not reach t = 0");
            double tf = Math.Min(1, t + options.ForwardDt), tb = Math.Max(0, tf - options.BackwardDt);
            yield return (tf, tb);
            t = tb;
        }
    }

    private long RoundCost(SearchRequest request, int n, double tf, double tb) =>
        checked((long)n * options.Renoisings * Spec(request, default, null, tf, tb, options.StepsPerBackward).Nfe);

    private long StartCost(SearchRequest request, int n) => checked((long)n * Spec(request, default, null, 1, options.TStart, StepsFor(request, 1 - options.TStart)).Nfe);

    /// <summary>Exact NFE of a full run with N paths (every round taken, then no finishing segment).</summary>
    public long Cost(SearchRequest request, int n) => checked(StartCost(request, n) + Rounds().Sum(r => RoundCost(request, n, r.From, r.To)));

    /// <summary>What a run with N paths does: the rounds it can pay for while still finishing, then the finishing segment if t > 0.</summary>
    private SearchPlan Simulate(SearchRequest request, int n)
    {
        long spent = StartCost(request, n);
        int rounds = 0, scored = 0;
        double t = options.TStart;
        foreach (var (tf, tb) in Rounds())
        {
            long round = RoundCost(request, n, tf, tb);
            if (checked(spent + round + FinishCost(request, n, tb)) > request.BudgetNfe) break;
            spent += round;
            scored += n * options.Renoisings;
            rounds++;
            t = tb;
        }
        if (t > 0) { spent = checked(spent + FinishCost(request, n, t)); scored += n; }
        return new SearchPlan(spent, rounds + 1, n * options.Renoisings, scored, scored);
    }

    /// <summary>N: as set, or the most whose full run the budget pays for, within one call and the image cap.</summary>
    public int PathCount(SearchRequest request)
    {
        if (options.Paths is int n) return n;
        return SearchLimits.LargestFitting(1, SearchLimits.MaxTrajectoriesPerCall / options.Renoisings,
            m => Cost(request, m) <= request.BudgetNfe && Simulate(request, m).ScoredImages <= SearchLimits.MaxScoredImages);
    }

    public SearchPlan Plan(SearchRequest request)
    {
        request.Validate();
        options.Validate();
        int n = PathCount(request);
        if (checked(StartCost(request, n) + FinishCost(request, n, options.TStart)) > request.BudgetNfe)
            throw new SearchPlanException(options.Paths is null ? SearchPlanField.Budget : SearchPlanField.AlgorithmParameter, options.Paths is null ? null : "paths",
                $"a budget of {request.BudgetNfe} NFE cannot denoise {n} path(s) to t = 0");
        var plan = Simulate(request, n);
        if (plan.ScoredImages > SearchLimits.MaxScoredImages)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "paths", $"{n} paths score {plan.ScoredImages} images; at most {SearchLimits.MaxScoredImages}");
        return plan;
    }

    public async Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken)
    {
        options.Validate();
        int n = PathCount(request);
        // The options' fingerprint is a FormattableString, which interpolated strings joined by + are not: it is made as $"..." would be.
        var saved = context.Resume(Name,
            FormattableStringFactory.Create("paths={0};renoisings={1};t-start={2:R};dt-f={3:R};dt-b={4:R};steps-back={5}",
                options.Paths, options.Renoisings, options.TStart, options.ForwardDt, options.BackwardDt, options.StepsPerBackward),
            request,
            (r, round) =>
            {
                var kept = new List<(NoiseSeed Seed, float[] State)>();
                for (int i = r.ReadInt32(); i > 0; i--) kept.Add((r.ReadSeed(), r.ReadFloats()!));
                return new Saved(round, kept, r.ReadCandidates(), r.ReadDouble());
            });
        List<(NoiseSeed Seed, float[] State)> paths;
        List<Candidate> history;
        double t;
        int round;
        DenoiseOutcome[] outcomes;
        if (saved is null)
        {
            var start = Spec(request, default, null, 1, options.TStart, StepsFor(request, 1 - options.TStart));
            if (!context.Budget.CanAfford((long)n * start.Nfe + FinishCost(request, n, options.TStart)))
                throw new BudgetExceededException($"a budget of {request.BudgetNfe} NFE cannot denoise {n} paths to t = 0");
            var seeds = Enumerable.Range(0, n).Select(i => new NoiseSeed(request.Seed, 0, (uint)i)).ToArray();
            outcomes = await context.DenoiseAsync(seeds.Select(s => Spec(request, s, null, 1, options.TStart, start.Steps)).ToArray(), false, cancellationToken)
                .ConfigureAwait(false);
            paths = seeds.Select((s, i) => (Seed: s, State: outcomes[i].State)).ToList();
            history = [];
            t = options.TStart;
            round = 1;
        }
        else (paths, history, t, round) = (saved.Paths, saved.History, saved.T, saved.Round + 1);
        while (t > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double tf = Math.Min(1, t + options.ForwardDt), tb = Math.Max(0, tf - options.BackwardDt);
            int proposals = paths.Count * options.Renoisings;
            long roundCost = (long)proposals * Spec(request, default, null, tf, tb, options.StepsPerBackward).Nfe;
            if (!context.Budget.CanAfford(roundCost + FinishCost(request, n, tb))) break;
            var specs = new List<TrajectorySpec>(proposals);
            for (int p = 0; p < paths.Count; p++)
                for (int m = 0; m < options.Renoisings; m++)
                {
                    var seed = new NoiseSeed(request.Seed, (uint)round, (uint)(p * options.Renoisings + m));
                    var renoised = FlowInterpolant.Renoise(paths[p].State, t, tf, seed.Normal(context.Shape.Size, RenoiseStream));
                    specs.Add(Spec(request, seed, renoised, tf, tb, options.StepsPerBackward));
                }
            outcomes = await context.DenoiseAsync(specs, tb == 0, cancellationToken).ConfigureAwait(false);
            var images = outcomes.Select(o => tb == 0 ? o.State : o.X0Predictions[^1].Image).ToArray();
            var scores = await context.ScoreAsync(images.Select(x => context.Input(request, x)).ToArray(), cancellationToken).ConfigureAwait(false);
            var ranked = Enumerable.Range(0, proposals).Select(i => (Index: i, Candidate: new Candidate(specs[i].Seed, images[i], scores[i], round,
                    $"re-noised path of r{paths[i / options.Renoisings].Seed.Round}c{paths[i / options.Renoisings].Seed.Candidate}, t={tb:F2}")))
                .OrderByDescending(x => x.Candidate.Scores.Primary).ThenBy(x => x.Index).ToList();
            history.AddRange(ranked.Select(x => x.Candidate));
            paths = ranked.Take(n).Select(x => (specs[x.Index].Seed, outcomes[x.Index].State)).ToList();
            t = tb;
            // Checkpoint: the kept paths, where they are, and the history (images of this round's proposals: they are the finals if t = 0).
            int done = round;
            context.Report(round, ranked.Take(request.TopK).Select(x => x.Candidate).ToList(), w =>
            {
                w.Write(paths.Count);
                foreach (var (seed, state) in paths) { w.Write(seed); w.Write(state); }
                w.Write(history, c => c.Round == done);
                w.Write(t);
            });
            round++;
        }
        List<Candidate> finals;
        if (t > 0)
        {
            var finish = await context.DenoiseAsync(paths.Select(p => Spec(request, p.Seed, p.State, t, 0, StepsFor(request, t))).ToArray(), true, cancellationToken)
                .ConfigureAwait(false);
            var scores = await context.ScoreAsync(finish.Select(o => context.Input(request, o.State)).ToArray(), cancellationToken).ConfigureAwait(false);
            finals = paths.Select((p, i) => new Candidate(p.Seed, finish[i].State, scores[i], round, "finished path")).ToList();
        }
        else finals = history.Where(c => c.Round == round - 1).Take(n).ToList();
        var pool = await Ranking.ComparableAsync(context, finals, request, cancellationToken).ConfigureAwait(false);
        var top = Ranking.Best(pool, request.TopK);
        context.Report(round, top);
        return context.Result(Name, top, [.. pool, .. history.Where(c => !finals.Contains(c))], round);
    }

    private sealed record Saved(int Round, List<(NoiseSeed Seed, float[] State)> Paths, List<Candidate> History, double T);
}
