using System.Diagnostics;
using System.Globalization;
using CsCheck;

using GenerationPlatform.Serving;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

/// <summary>
/// Property tests of the algorithm-spec parser and of cost planning: whatever parameters the parser
/// accepts, the plan is computed quickly, stays within the budget and the limits, and the search
/// charges exactly what was planned (counted again at the velocity field).
/// </summary>
public sealed class SearchPlanProperties
{
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static readonly Gen<string> RandomSpec =
        Gen.Select(Gen.Int[0, 12], Gen.Int[1, 40]).Select((preview, perRound) =>
            preview == 0 ? $"random(candidates-per-round={perRound})" : $"random(preview-steps={preview},candidates-per-round={perRound})");

    private static readonly Gen<string> ZeroOrderSpec =
        Gen.Select(Gen.Int[1, 8], Gen.Double[0.05, 0.99], Gen.Int[1, 50], Gen.Bool).Select((n, c, rounds, restart) =>
            $"zero-order(neighbours={n},cosine={F(c)},max-rounds={rounds},on-reject={(restart ? "restart" : "keep-pivot")})");

    private static readonly Gen<string> PathSpec =
        Gen.Select(Gen.Int[0, 6], Gen.Int[1, 4], Gen.Double[0.05, 0.95], Gen.Double[0.01, 0.6], Gen.Double[0.01, 0.8], Gen.Int[1, 4])
            .Select((paths, m, tStart, forward, gap, steps) =>
                $"paths({(paths == 0 ? "" : $"paths={paths},")}renoisings={m},t-start={F(tStart)},forward-dt={F(forward)},backward-dt={F(Math.Min(1, forward + gap))}," +
                $"steps-per-backward={steps})");

    private static readonly Gen<string> ParticleSpec =
        Gen.Select(Gen.Int[0, 8], Gen.Double[0, 100], Gen.Int[1, 5], Gen.Double[0, 1], Gen.Double[0.05, 0.95], Gen.Bool)
            .Select((k, lambda, every, ess, eta, level) =>
                $"particles({(k == 0 ? "" : $"particles={k},")}lambda={F(lambda)},resample-every={every},ess-threshold={F(ess)},eta={F(eta)}," +
                $"potential={(level ? "level" : "difference")})");

    private static readonly Gen<string> PrunedSpec =
        Gen.Select(Gen.Double[0.05, 0.5], Gen.Double[0.05, 0.45], Gen.Bool, Gen.Double[0.1, 0.9], Gen.Int[0, 12])
            .Select((first, step, two, keep, n) =>
                $"pruned(prune-at=[{F(first)}{(two ? ";" + F(first + step) : "")}],keep={F(keep)}{(n == 0 ? "" : $",candidates={n}")})");

    private static readonly Gen<string> BeamSpec =
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 4], Gen.Double[0.05, 0.5], Gen.Double[0.05, 0.45], Gen.Bool, Gen.Double[0.05, 1], Gen.Int[0, 12])
            .Select((beams, branches, first, step, two, eta, n) =>
                $"beam(beams={beams},branches={branches},expand-at=[{F(first)}{(two ? ";" + F(first + step) : "")}],eta={F(eta)}" +
                $"{(n == 0 ? "" : $",candidates={Math.Max(n, beams)}")})");

    private static readonly Gen<SearchRequest> Request =
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 8], Gen.Int[1, 4], Gen.Long[1, 1500], Gen.ULong)
            .Select((sampler, steps, topK, budget, seed) => new SearchRequest(2, 1f, seed, budget, topK, (SamplerKind)sampler, steps,
                sampler == (int)SamplerKind.Stochastic ? 0.3f : 0f));

    private static readonly Gen<string> AnySpec = Gen.OneOf(RandomSpec, ZeroOrderSpec, PathSpec, ParticleSpec, PrunedSpec, BeamSpec);

    [Fact]
    public void AcceptedSpecsChargeExactlyWhatTheyPlanWithinTheBudget()
    {
        int ran = 0;
        Gen.Select(AnySpec, Request).Sample((spec, request) =>
        {
            ISearchAlgorithm algorithm;
            SearchPlan plan;
            try { (algorithm, plan) = AlgorithmCatalog.Plan(spec, request); }
            catch (SearchPlanException) { return; }
            Assert.InRange(plan.Nfe, 1, request.BudgetNfe);
            var field = new GaussianField();
            var budget = new NfeBudget(request.BudgetNfe);
            // Half the runs with an ensemble, whose scores are ranks within a call: searches may score their pool again to rank it.
            bool ensemble = (request.Seed & 1) == 1;
            var verifier = ensemble ? new EnsembleVerifier([new MeanTargetVerifier(0.55), new MeanTargetVerifier(0.3, "low")]) : (IImageVerifier)new MeanTargetVerifier(0.55);
            var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(verifier), budget);
            var result = algorithm.RunAsync(request, context, CancellationToken.None).GetAwaiter().GetResult();
            Assert.True(plan.Nfe == result.Nfe.Total, $"{spec} on {request}: planned {plan.Nfe}, charged {result.Nfe.Total}");
            Assert.Equal(field.ModelEvaluations, result.Nfe.Total);
            Assert.True(result.AllScored.Count <= plan.ScoredImages, $"{spec}: scored {result.AllScored.Count}, planned {plan.ScoredImages}");
            // What the verifiers are charged is planned from ScoredImages: every image they see is counted there.
            double perImage = verifier.FlopsPerImage;
            Assert.True(context.Verifiers.Flops <= plan.VerifiedImagesWith(ensemble) * perImage,
                $"{spec}: verifiers scored {context.Verifiers.Flops / perImage} images, planned {plan.VerifiedImagesWith(ensemble)}");
            ran++;
        }, iter: 150, threads: 1);
        Assert.True(ran > 50, $"only {ran} of 150 generated searches were accepted");
    }

    private static readonly string[] HostileValues =
    [
        "NaN", "nan", "Infinity", "-Infinity", "1e308", "-1e308", "-1", "0", "1", "2147483647", "2147483648", "-2147483648",
        "1073741824", "1431655766", "0.15000000000000002", "0.5000000000000001", "1e-300", "4.9e-324", "", "[]", "[NaN]", "[0.2;0.2]",
        "[0.9;0.1]", "[" + string.Join(";", Enumerable.Range(1, 40).Select(i => F(i / 41.0))) + "]", "restart", "9999999999999999999999",
    ];

    private static readonly string[] ParameterNames =
    [
        "preview-steps", "candidates-per-round", "neighbours", "cosine", "max-rounds", "on-reject", "paths", "renoisings", "t-start",
        "forward-dt", "backward-dt", "steps-per-backward", "particles", "lambda", "potential", "resample-every", "ess-threshold", "eta",
        "prune-at", "keep", "candidates", "beams", "branches", "expand-at", "ranking",
    ];

    [Fact]
    public void HostileParametersArePlannedQuicklyOrRefusedNamingAField()
    {
        var spec = Gen.Select(Gen.OneOf(AlgorithmCatalog.Names.ToArray()),
                Gen.Select(Gen.OneOf(ParameterNames), Gen.OneOf(HostileValues)).Array[1, 4])
            .Select((name, ps) => $"{name}({string.Join(",", ps.Select(p => $"{p.Item1}={p.Item2}"))})");
        var request = Gen.Select(Gen.Int[0, 2], Gen.Int[1, 200], Gen.Int[1, 16], Gen.Long[1, 100_000])
            .Select((sampler, steps, topK, budget) => new SearchRequest(0, 1.5f, 1, budget, topK, (SamplerKind)sampler, steps, sampler == 2 ? 0.5f : 0f));
        Gen.Select(spec, request).Sample((s, r) =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var (_, plan) = AlgorithmCatalog.Plan(s, r);
                Assert.InRange(plan.Nfe, 1, r.BudgetNfe);
                Assert.InRange(plan.LargestCall, 1, SearchLimits.MaxTrajectoriesPerCall);
                Assert.InRange(plan.ScoredImages, 1, SearchLimits.MaxScoredImages);
                Assert.InRange(plan.Rounds, 1, SearchLimits.MaxRounds);
            }
            catch (SearchPlanException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                if (e.Field == SearchPlanField.AlgorithmParameter) Assert.False(string.IsNullOrEmpty(e.Parameter));
            }
            // Generous: planning is arithmetic over at most a few thousand rounds; a spin would never end.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"planning '{s}' took {clock.Elapsed}");
        }, iter: 2000, threads: 1);
    }

    [Theory]
    [InlineData("paths(forward-dt=0.15,backward-dt=0.15000000000000002)", "backward-dt")]
    [InlineData("paths(forward-dt=0.5,backward-dt=0.5000000000000001)", "backward-dt")]
    [InlineData("paths(paths=1,steps-per-backward=1073741824)", "steps-per-backward")]
    [InlineData("paths(paths=3,renoisings=1431655766)", "renoisings")]
    [InlineData("paths(paths=1024,renoisings=2)", "renoisings")]
    [InlineData("paths(t-start=NaN)", "t-start")]
    [InlineData("paths(forward-dt=NaN)", "forward-dt")]
    [InlineData("random(candidates-per-round=100000)", "candidates-per-round")]
    [InlineData("random(preview-steps=2147483647)", "preview-steps")]
    [InlineData("particles(eta=NaN)", "eta")]
    [InlineData("particles(ess-threshold=NaN)", "ess-threshold")]
    [InlineData("particles(lambda=Infinity)", "lambda")]
    [InlineData("particles(particles=100000)", "particles")]
    [InlineData("pruned(keep=NaN)", "keep")]
    [InlineData("pruned(prune-at=[NaN])", "prune-at")]
    [InlineData("pruned(candidates=2000000)", "candidates")]
    [InlineData("zero-order(cosine=NaN)", "cosine")]
    [InlineData("zero-order(cosine=Infinity)", "cosine")]
    [InlineData("zero-order(neighbours=2147483647)", "neighbours")]
    [InlineData("zero-order(neighbours=4,NEIGHBOURS=5)", "NEIGHBOURS")]
    public void KnownAttacksAreRefusedNamingTheParameter(string spec, string parameter)
    {
        var e = Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Plan(spec, new SearchRequest(0, 1.5f, 1, 1000)));
        Assert.Equal(SearchPlanField.AlgorithmParameter, e.Field);
        Assert.Equal(parameter, e.Parameter);
    }

    [Theory]
    [InlineData("random", 5)]
    [InlineData("particles", 5)]
    [InlineData("paths", 5)]
    [InlineData("pruned", 5)]
    [InlineData("beam", 5)]
    [InlineData("zero-order", 5)]
    public void ABudgetThatBuysNothingIsABudgetError(string spec, long budget)
    {
        var e = Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Plan(spec, new SearchRequest(0, 1.5f, 1, budget)));
        Assert.Equal(SearchPlanField.Budget, e.Field);
    }

    [Fact]
    public void TheLargestBudgetIsPlannedWithinTheLimits()
    {
        foreach (var name in AlgorithmCatalog.Names)
            foreach (var sampler in new[] { SamplerKind.Euler, SamplerKind.Heun })
            {
                var request = new SearchRequest(0, 1.5f, 1, 100_000, TopK: 16, Sampler: sampler, Steps: 1);
                var (_, plan) = AlgorithmCatalog.Plan(name, request);
                Assert.InRange(plan.LargestCall, 1, SearchLimits.MaxTrajectoriesPerCall);
                Assert.InRange(plan.ScoredImages, 1, SearchLimits.MaxScoredImages);
                Assert.InRange(plan.Nfe, 1, request.BudgetNfe);
            }
    }

    [Fact]
    public void ANegativeChargeNeverRaisesTheBudget()
    {
        var budget = new NfeBudget(100);
        Assert.Throws<BudgetExceededException>(() => budget.Charge(-1, 0, false));
        Assert.False(budget.CanAfford(-5));
        Assert.Equal(100, budget.Remaining);
    }
}
