using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// Zero-order search: from a pivot noise x, draw N neighbours y = |x| (c u + sqrt(1 - c^2) w) on the
/// sphere of the pivot's norm (u = x/|x|, w a random unit vector orthogonal to u), denoise and score
/// them with the pivot in the same verifier call, and move to the best if it beats the pivot.
/// </summary>
public sealed class ZeroOrderSearch(ZeroOrderOptions? options = null) : ISearchAlgorithm
{
    private const uint DirectionStream = 10;
    private readonly ZeroOrderOptions options = options ?? new();

    public string Name => "zero-order";

    public object Options => options;

    public void Validate() => options.Validate();

    /// <summary>Proposals of the next round: N, or fewer when the budget or the image cap runs short (0: the search ends).</summary>
    private int RoundSize(long remaining, int sample, int scored) =>
        (int)Math.Min(Math.Min(options.Neighbours, remaining / sample), SearchLimits.MaxScoredImages - scored);

    /// <summary>
    /// Every round spends its proposals' samples whatever the scores say (a restart's fresh noise is
    /// one of the N), so the whole run's cost follows from the budget and the parameters.
    /// </summary>
    public SearchPlan Plan(SearchRequest request)
    {
        request.Validate();
        options.Validate();
        int sample = request.SampleNfe;
        if (sample > request.BudgetNfe)
            throw new SearchPlanException(SearchPlanField.Budget, null, $"a budget of {request.BudgetNfe} NFE cannot denoise the first pivot ({sample} NFE)");
        long remaining = request.BudgetNfe - sample;
        int scored = 1, rounds = 1, largest = 1;
        // At most MaxRounds iterations: each round adds at least one scored image, which is capped too.
        for (int round = 1; round <= options.MaxRounds; round++)
        {
            int size = RoundSize(remaining, sample, scored);
            if (size < 1) break;
            remaining -= (long)size * sample;
            scored += size;
            rounds++;
            largest = Math.Max(largest, size);
        }
        // Each round after the first may score its pivot again with the neighbours.
        return new SearchPlan(request.BudgetNfe - remaining, rounds, largest, scored, scored + rounds - 1);
    }

    public async Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken)
    {
        options.Validate();
        int sample = request.SampleNfe;
        var saved = context.Resume(Name, $"neighbours={options.Neighbours};cosine={options.Cosine:R};rounds={options.MaxRounds};on-reject={options.OnReject}", request,
            (r, round) => new Saved(round, r.ReadCandidates(), r.ReadCandidate(), r.ReadFloats()!, r.ReadBoolean(), r.ReadSeed()));
        bool batchRelative = Ranking.IsBatchRelative(context);
        List<Candidate> all;
        Candidate pivot;
        NoiseSeed pivotSeed, restartSeed;
        float[] pivotNoise;
        float[]? restartNoise;
        bool pendingRestart;
        int round;
        // Checkpoint: the pivot (noise and image), a pending restart, and every candidate (images only where needed later).
        void Save(CheckpointWriter w, IReadOnlyList<Candidate> best)
        {
            w.Write(all, c => batchRelative || best.Contains(c));
            w.Write(pivot, withImage: true);
            w.Write(pivotNoise);
            w.Write(pendingRestart);
            w.Write(restartSeed);
        }

        if (saved is null)
        {
            if (!context.Budget.CanAfford(sample)) throw new BudgetExceededException($"a budget of {request.BudgetNfe} NFE cannot denoise the first pivot ({sample} NFE)");
            all = [];
            // Round 0: the first pivot.
            pivotSeed = new NoiseSeed(request.Seed, 0, 0);
            pivotNoise = pivotSeed.Normal(context.Shape.Size);
            var first = await context.DenoiseAsync([request.Full(pivotSeed)], false, cancellationToken).ConfigureAwait(false);
            var firstScore = await context.ScoreAsync([context.Input(request, first[0].State)], cancellationToken).ConfigureAwait(false);
            pivot = new Candidate(pivotSeed, first[0].State, firstScore[0], 0, "noise");
            all.Add(pivot);
            pendingRestart = false;
            restartNoise = null;
            restartSeed = default;
            context.Report(0, [pivot], w => Save(w, [pivot]));
            round = 1;
            if (context.StopEarly) return await FinishAsync().ConfigureAwait(false);
        }
        else
        {
            (all, pivot, pivotNoise, pendingRestart, restartSeed) = (saved.All, saved.Pivot, saved.PivotNoise, saved.PendingRestart, saved.RestartSeed);
            pivotSeed = pivot.Seed;
            restartNoise = pendingRestart ? restartSeed.Normal(context.Shape.Size) : null;
            round = saved.Round + 1;
        }
        for (; round <= options.MaxRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int size = RoundSize(context.Budget.Remaining, sample, all.Count);
            if (size < 1) break;
            int affordable = size - (pendingRestart ? 1 : 0);
            if (pendingRestart)
            {
                // The fresh noise becomes the pivot; its neighbours are drawn around it in the same round.
                pivotNoise = restartNoise!;
                pivotSeed = restartSeed;
            }
            var seeds = new List<NoiseSeed>();
            var noises = new List<float[]>();
            if (pendingRestart) { seeds.Add(pivotSeed); noises.Add(pivotNoise); }
            for (int j = 0; j < affordable; j++)
            {
                var seed = new NoiseSeed(request.Seed, (uint)round, (uint)(j + 1));
                seeds.Add(seed);
                noises.Add(Neighbour(pivotNoise, seed, options.Cosine));
            }
            var outcomes = await context.DenoiseAsync(seeds.Select((s, i) => request.Full(s, noises[i])).ToArray(), false, cancellationToken).ConfigureAwait(false);
            var proposals = seeds.Select((s, i) => (Seed: s, Noise: noises[i], Image: outcomes[i].State)).ToList();
            if (!pendingRestart) proposals.Insert(0, (pivotSeed, pivotNoise, pivot.Image)); // re-scored, not re-denoised
            var scores = await context.ScoreAsync(proposals.Select(p => context.Input(request, p.Image)).ToArray(), cancellationToken).ConfigureAwait(false);
            var scored = proposals
                .Select((p, i) => new Candidate(p.Seed, p.Image, scores[i], round, i == 0 ? "pivot" : $"neighbour of r{pivot.Seed.Round}c{pivot.Seed.Candidate}"))
                .ToList();
            pivot = scored[0];
            var challengers = scored.Skip(1).ToList();
            all.AddRange(pendingRestart ? scored : challengers);
            pendingRestart = false;
            var bestChallenger = challengers.Count == 0 ? null : Ranking.Best(challengers, 1)[0];
            if (bestChallenger is not null && bestChallenger.Scores.Primary > pivot.Scores.Primary)
            {
                int index = scored.IndexOf(bestChallenger);
                pivot = bestChallenger;
                pivotSeed = bestChallenger.Seed;
                pivotNoise = proposals[index].Noise;
            }
            else if (options.OnReject == ZeroOrderOnReject.Restart)
            {
                pendingRestart = true;
                restartSeed = new NoiseSeed(request.Seed, (uint)round + 1, 0);
                restartNoise = restartSeed.Normal(context.Shape.Size);
            }
            var best = Ranking.Best(all, request.TopK);
            context.Report(round, best, w => Save(w, best));
            if (context.StopEarly)
            {
                round++;
                break;
            }
        }
        return await FinishAsync().ConfigureAwait(false);

        async Task<SearchResult> FinishAsync()
        {
            var pool = await Ranking.ComparableAsync(context, all, request, cancellationToken).ConfigureAwait(false);
            var top = Ranking.Best(pool, request.TopK);
            context.Report(round, top);
            return context.Result(Name, top, pool, round);
        }
    }

    /// <summary>A point on the sphere of |x| at cosine c to x, in a direction drawn from the seed.</summary>
    public static float[] Neighbour(float[] x, NoiseSeed seed, double c)
    {
        double norm = Math.Sqrt(x.Sum(v => (double)v * v));
        var u = x.Select(v => v / norm).ToArray();
        var g = seed.Normal(x.Length, DirectionStream);
        double dot = 0;
        for (int i = 0; i < x.Length; i++) dot += g[i] * u[i];
        var w = new double[x.Length];
        double wn = 0;
        for (int i = 0; i < x.Length; i++) { w[i] = g[i] - dot * u[i]; wn += w[i] * w[i]; }
        wn = Math.Sqrt(wn);
        double s = Math.Sqrt(1 - c * c);
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)(norm * (c * u[i] + s * w[i] / wn));
        return y;
    }

    private sealed record Saved(int Round, List<Candidate> All, Candidate Pivot, float[] PivotNoise, bool PendingRestart, NoiseSeed RestartSeed);
}
