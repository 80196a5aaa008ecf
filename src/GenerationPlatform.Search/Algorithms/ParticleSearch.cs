using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// Particle steering (SMC / Feynman-Kac): K particles follow the stochastic sampler; every few steps
/// their x0-predictions are scored, weighted by the potential, and resampled (systematic) when the
/// effective sample size is low. Copies get fresh seeds, so their noise diverges from then on.
/// </summary>
public sealed class ParticleSearch(ParticleOptions? options = null) : ISearchAlgorithm
{
    private const uint ResampleStream = 30;
    private readonly ParticleOptions options = options ?? new();

    public string Name => "particles";

    public object Options => options;

    public void Validate() => options.Validate();

    /// <summary>Weightings of a run: one per segment of <c>ResampleEvery</c> steps (the last segment ends the run).</summary>
    private int Segments(SearchRequest request) => (request.Steps + options.ResampleEvery - 1) / options.ResampleEvery;

    /// <summary>K: as set, or as many as the budget carries, within one call and the image cap (every segment scores K images).</summary>
    public int ParticleCount(SearchRequest request) => options.Particles
        ?? (int)Math.Min(Math.Min(SearchLimits.MaxTrajectoriesPerCall, SearchLimits.MaxScoredImages / Segments(request)), request.BudgetNfe / ParticleNfe(request));

    /// <summary>NFE of one particle through the whole schedule: its segments, each weighting's x0-prediction at the segment's end included.</summary>
    private long ParticleNfe(SearchRequest request)
    {
        var sde = Stochastic(request);
        long nfe = 0;
        for (int from = 0; from < sde.Steps; from += options.ResampleEvery)
            nfe += sde.SegmentNfe(from, Math.Min(sde.Steps, from + options.ResampleEvery));
        return nfe;
    }

    public long Cost(SearchRequest request) => checked(ParticleCount(request) * ParticleNfe(request));

    public SearchPlan Plan(SearchRequest request)
    {
        request.Validate();
        options.Validate();
        int k = ParticleCount(request), segments = Segments(request);
        if (k < 1 || Cost(request) > request.BudgetNfe)
            throw new SearchPlanException(options.Particles is null ? SearchPlanField.Budget : SearchPlanField.AlgorithmParameter, options.Particles is null ? null : "particles",
                $"a budget of {request.BudgetNfe} NFE cannot carry {Math.Max(k, 1)} particle(s) through {request.Steps} steps ({Math.Max(k, 1) * ParticleNfe(request)} NFE)");
        if ((long)k * segments > SearchLimits.MaxScoredImages)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "particles",
                $"{k} particles scored at {segments} weightings make {(long)k * segments} images; at most {SearchLimits.MaxScoredImages}");
        return new SearchPlan(Cost(request), segments, k, k * segments, k * segments);
    }

    private SearchRequest Stochastic(SearchRequest request) => request with { Sampler = SamplerKind.Stochastic, Eta = (float)options.Eta };

    public async Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken)
    {
        options.Validate();
        var sde = Stochastic(request);
        int k = ParticleCount(request);
        var saved = context.Resume(Name,
            $"particles={options.Particles};lambda={options.Lambda:R};potential={options.Potential};every={options.ResampleEvery};ess={options.EssThreshold:R};eta={options.Eta:R}",
            request,
            (r, round) =>
            {
                var kept = new List<(NoiseSeed Seed, float[]? State, double Reward)>();
                for (int i = r.ReadInt32(); i > 0; i--) kept.Add((r.ReadSeed(), r.ReadFloats(), r.ReadDouble()));
                return new Saved(round, kept, r.ReadDoubles(), r.ReadCandidates());
            });
        if (saved is null && (k < 1 || !context.Budget.CanAfford(Cost(request))))
            throw new BudgetExceededException($"a budget of {request.BudgetNfe} NFE cannot carry {k} particles through {request.Steps} steps ({Cost(request)} NFE)");
        var particles = saved?.Particles ?? Enumerable.Range(0, k).Select(i => (Seed: new NoiseSeed(request.Seed, 0, (uint)i), State: (float[]?)null, Reward: 0.0)).ToList();
        var logWeights = saved?.LogWeights ?? new double[k];
        if (particles.Count != k || logWeights.Length != k) throw new InvalidCheckpointException($"the checkpoint holds {particles.Count} particles, this search runs {k}");
        var history = saved?.History ?? [];
        int round = saved is null ? 0 : saved.Round + 1;
        for (int from = round * options.ResampleEvery; from < sde.Steps; from += options.ResampleEvery, round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int to = Math.Min(sde.Steps, from + options.ResampleEvery);
            bool last = to == sde.Steps;
            var outcomes = await context.DenoiseAsync(particles.Select(p => sde.Segment(p.Seed, p.State, from, to)).ToArray(), last, cancellationToken).ConfigureAwait(false);
            if (last)
            {
                var finalScores = await context.ScoreAsync(outcomes.Select(o => context.Input(request, o.State)).ToArray(), cancellationToken).ConfigureAwait(false);
                var finals = particles.Select((p, i) => new Candidate(p.Seed, outcomes[i].State, finalScores[i], round, "particle")).ToList();
                var pool = await Ranking.ComparableAsync(context, finals, request, cancellationToken).ConfigureAwait(false);
                var top = Ranking.Best(pool, request.TopK);
                context.Report(round, top);
                return context.Result(Name, top, [.. pool, .. history], round + 1);
            }
            var x0 = outcomes.Select(o => o.X0Predictions[^1].Image).ToArray();
            var scores = await context.ScoreAsync(x0.Select(x => context.Input(request, x)).ToArray(), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < k; i++)
            {
                double r = scores[i].Primary;
                logWeights[i] = options.Potential == ParticlePotential.Level ? options.Lambda * r : logWeights[i] + options.Lambda * (r - particles[i].Reward);
                particles[i] = (particles[i].Seed, outcomes[i].State, r);
                history.Add(new Candidate(particles[i].Seed, x0[i], scores[i], round, $"x0-prediction at t={outcomes[i].X0Predictions[^1].Time:F2}"));
            }
            var weights = Normalize(logWeights);
            double ess = 1 / weights.Sum(w => w * w);
            if (ess < options.EssThreshold * k)
            {
                double u = new NoiseSeed(request.Seed, (uint)round, 0).Uniform(1, ResampleStream)[0];
                var picks = SystematicResample(weights, u);
                particles = picks.Select((src, j) => (new NoiseSeed(request.Seed, (uint)round + 1, (uint)j), particles[src].State, particles[src].Reward)).ToList();
                Array.Clear(logWeights);
            }
            // Checkpoint: the particles (seed, state, last reward), their weights and the history (no images: only reported).
            context.Report(round, Ranking.Best(history.Where(c => c.Round == round), request.TopK), w =>
            {
                w.Write(particles.Count);
                foreach (var (seed, state, reward) in particles) { w.Write(seed); w.Write(state); w.Write(reward); }
                w.Write(logWeights);
                w.Write(history, _ => false);
            });
        }
        throw new InvalidOperationException("particle search ended without reaching t = 0");
    }

    private sealed record Saved(int Round, List<(NoiseSeed Seed, float[]? State, double Reward)> Particles, double[] LogWeights, List<Candidate> History);

    public static double[] Normalize(double[] logWeights)
    {
        double max = logWeights.Max();
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        double sum = w.Sum();
        return w.Select(x => x / sum).ToArray();
    }

    /// <summary>Systematic resampling: K evenly spaced points offset by u in [0, 1) pick ancestors by cumulative weight.</summary>
    public static int[] SystematicResample(double[] weights, double u)
    {
        int k = weights.Length;
        var picks = new int[k];
        double cumulative = weights[0];
        int source = 0;
        for (int j = 0; j < k; j++)
        {
            double point = (j + u) / k;
            while (point > cumulative && source < k - 1) cumulative += weights[++source];
            picks[j] = source;
        }
        return picks;
    }
}
