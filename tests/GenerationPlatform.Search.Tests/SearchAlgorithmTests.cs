using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search.Algorithms;

using GenerationPlatform.Serving;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

public sealed class SearchAlgorithmTests
{
    // Class 2: pixel mean 0.5; the verifier wants an image mean of 0.55, a tail event for one sample
    // (the image mean of a sample is 0.5 + 0.5 * mean(z), sd about 0.018).
    private const int Label = 2;
    private const double Target = 0.55;

    public static TheoryData<string> Algorithms => new() { "random", "random-preview", "zero-order", "zero-order-restart", "pruned", "paths", "particles", "beam" };

    internal static ISearchAlgorithm Make(string name) => name switch
    {
        "random" => new RandomSearch(new RandomSearchOptions(CandidatesPerRound: 5)),
        "random-preview" => new RandomSearch(new RandomSearchOptions(PreviewSteps: 3)),
        "zero-order" => new ZeroOrderSearch(new ZeroOrderOptions(Neighbours: 3, Cosine: 0.9)),
        "zero-order-restart" => new ZeroOrderSearch(new ZeroOrderOptions(Neighbours: 2, Cosine: 0.9, OnReject: ZeroOrderOnReject.Restart)),
        "pruned" => new PrunedSearch(),
        "beam" => new BeamSearch(new BeamOptions(Beams: 2, Branches: 2, ExpandAt: [0.25, 0.5])),
        "paths" => new PathSearch(new PathOptions(Renoisings: 2, TStart: 0.6, ForwardDt: 0.2, BackwardDt: 0.4, StepsPerBackward: 2)),
        "particles" => new ParticleSearch(new ParticleOptions(Lambda: 50, ResampleEvery: 2)),
        _ => throw new ArgumentException(name),
    };

    private static (SearchResult Result, GaussianField Field, NfeBudget Budget) Run(string algorithm, long budget, ulong seed = 1, IImageVerifier? verifier = null, int topK = 2,
        SearchRequest? request = null)
    {
        var field = new GaussianField();
        var nfe = new NfeBudget(budget);
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(verifier ?? new MeanTargetVerifier(Target)), nfe);
        var r = request ?? new SearchRequest(Label, 1f, seed, budget, TopK: topK, Sampler: SamplerKind.Heun, Steps: 8);
        var result = Make(algorithm).RunAsync(r, context, CancellationToken.None).GetAwaiter().GetResult();
        return (result, field, nfe);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void NeverSpendsMoreThanTheBudget(string algorithm)
    {
        foreach (var budget in new long[] { 120, 233, 500, 1001 })
        {
            var (result, field, nfe) = Run(algorithm, budget);
            Assert.True(result.Nfe.Total <= budget, $"{algorithm} spent {result.Nfe.Total} of {budget}");
            // Counted independently at the velocity field: every evaluation was charged.
            Assert.Equal(field.ModelEvaluations, result.Nfe.Total);
            Assert.Equal(nfe.Spent, result.Nfe.Total);
            Assert.True(result.Nfe.Total > budget / 3, $"{algorithm} used only {result.Nfe.Total} of {budget}");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void SameSeedSameResult(string algorithm)
    {
        var a = Run(algorithm, 400, seed: 9).Result;
        var b = Run(algorithm, 400, seed: 9).Result;
        Assert.Equal(a.Top.Select(c => c.Seed), b.Top.Select(c => c.Seed));
        Assert.Equal(a.Top[0].Image, b.Top[0].Image);
        var c = Run(algorithm, 400, seed: 10).Result;
        Assert.NotEqual(a.Top[0].Image, c.Top[0].Image);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void FindsImagesCloserToTheTargetThanPlainSampling(string algorithm)
    {
        // Plain sampling: the mean score of single samples at the same steps.
        var plain = Run("random", 15 * 16).Result.AllScored.Average(c => c.Scores.Primary);
        var (result, _, _) = Run(algorithm, 15 * 40);
        Assert.True(result.Top[0].Scores.Primary > plain, $"{algorithm}: best {result.Top[0].Scores.Primary:F4} vs plain mean {plain:F4}");
        // The returned image is what was scored.
        Assert.Equal(MeanTargetVerifier.ScoreOf(result.Top[0].Image, Target), result.Top[0].Scores.Primary, 9);
        Assert.True(result.Top.Count <= 2 && result.Top.Count >= 1);
        Assert.True(result.Top.Zip(result.Top.Skip(1)).All(p => p.First.Scores.Primary >= p.Second.Scores.Primary));
    }

    [Fact]
    public void RandomSearchReturnsTheBestOfAllCandidates()
    {
        var (result, _, _) = Run("random", 15 * 20, topK: 3);
        Assert.Equal(20, result.AllScored.Count);
        var best = result.AllScored.OrderByDescending(c => c.Scores.Primary).Take(3).Select(c => c.Seed);
        Assert.Equal(best, result.Top.Select(c => c.Seed));
        // Each candidate is exactly the sample from its own noise, wherever it was batched.
        var single = new Trajectory(new SearchRequest(Label, 1f, 1, 15).Full(result.Top[0].Seed) with { Steps = 8 }, 784);
        new TrajectorySampler(new GaussianField()).Run([single]);
        Assert.Equal(single.State.ToArray(), result.Top[0].Image);
    }

    [Fact]
    public void PreviewSearchSplitsSearchAndFinalNfe()
    {
        var (result, _, _) = Run("random-preview", 300, topK: 2);
        // Heun 8 steps = 15 NFE final, 3 preview steps = 5 NFE: (300 - 2 * 15) / 5 = 54 previews.
        Assert.Equal(54 * 5, result.Nfe.Search);
        Assert.Equal(2 * 15, result.Nfe.Final);
        Assert.All(result.Top, c => Assert.Equal("final", c.Origin));
    }

    [Fact]
    public void PrunedSearchCostsWhatItPlans()
    {
        var pruned = new PrunedSearch(new PrunedOptions([0.25, 0.5], 0.5, Candidates: 16));
        var request = new SearchRequest(Label, 1f, 1, 10_000, TopK: 2, Steps: 8);
        // 16 x 4 NFE (2 Heun steps), 8 x 4, 4 x 7 (last 4 steps end at t = 0).
        Assert.Equal(16 * 4 + 8 * 4 + 4 * 7, pruned.Cost(request, 16));
        Assert.Equal(124.0 / (16 * 15), pruned.Cost(request, 16) / (16.0 * 15), 9); // 52% of best-of-16
    }

    [Fact]
    public void ParticlesNeedNoise()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParticleOptions(Eta: 0).Validate());
        Assert.Equal(new[] { 0, 0, 2, 3 }, ParticleSearch.SystematicResample([0.5, 0, 0.25, 0.25], 0.1));
        var w = ParticleSearch.Normalize([1000, 1000 + Math.Log(3)]);
        Assert.Equal(0.25, w[0], 9);
    }

    [Fact]
    public void ZeroOrderNeighboursLieOnThePivotSphereAtTheCosine()
    {
        var x = new NoiseSeed(1, 0, 0).Normal(784);
        var y = ZeroOrderSearch.Neighbour(x, new NoiseSeed(1, 1, 1), 0.95);
        double nx = Math.Sqrt(x.Sum(v => (double)v * v)), ny = Math.Sqrt(y.Sum(v => (double)v * v));
        double cos = x.Zip(y).Sum(p => (double)p.First * p.Second) / (nx * ny);
        Assert.Equal(nx, ny, 3);
        Assert.Equal(0.95, cos, 4);
    }

    [Fact]
    public void TooSmallABudgetIsAClearError()
    {
        foreach (var algorithm in new[] { "random", "zero-order", "pruned", "paths", "particles" })
            Assert.Throws<BudgetExceededException>(() => Run(algorithm, 5));
    }

    [Fact]
    public void CancellationIsHonouredBetweenCalls()
    {
        using var cts = new CancellationTokenSource();
        var field = new GaussianField();
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(new MeanTargetVerifier(Target)), new NfeBudget(15 * 64),
            new Progress<SearchProgress>(_ => { }));
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new RandomSearch().RunAsync(new SearchRequest(Label, 1f, 1, 15 * 64, Steps: 8), context, cts.Token).GetAwaiter().GetResult());
        Assert.Equal(0, field.Calls);
    }

    [Fact]
    public void EnsembleRanksAcrossVerifiers()
    {
        Assert.Equal(new[] { 2.0, 1.0, 3.0 }, EnsembleVerifier.Ranks([0.5, 0.9, 0.1]));
        Assert.Equal(new[] { 1.5, 1.5, 3.0 }, EnsembleVerifier.Ranks([0.9, 0.9, 0.1]));
        var ensemble = new EnsembleVerifier([new MeanTargetVerifier(Target), new TopHalfVerifier()]);
        Assert.Equal("ensemble(mean-target,top-half)", ensemble.Name);
        var a = Enumerable.Repeat(0.55f, 784).ToArray();                                   // best on both
        var b = Enumerable.Repeat(0.2f, 392).Concat(Enumerable.Repeat(0.9f, 392)).ToArray(); // mean 0.55, dark top
        var c = Enumerable.Repeat(0.0f, 784).ToArray();                                     // worst on both
        var scores = ensemble.Score([new VerifierInput(b, 0), new VerifierInput(c, 0), new VerifierInput(a, 0)]);
        // a: ranks (1.5, 1) -> -1.25; b: (1.5, 2) -> -1.75; c: (3, 3) -> -3.
        Assert.Equal(new[] { -1.75, -3.0, -1.25 }, scores);
        var (result, _, _) = Run("random", 15 * 12, verifier: ensemble);
        Assert.StartsWith("ensemble(", result.Verifier);
    }
}
