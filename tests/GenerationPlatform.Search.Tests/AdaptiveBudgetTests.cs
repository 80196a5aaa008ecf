using GenerationPlatform.Serving;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Tests;

/// <summary>The adaptive budget: a search stops at a target score or after rounds without gain, spends only that, and says why.</summary>
public sealed class AdaptiveBudgetTests
{
    private const int Label = 2;

    private static (SearchResult Result, GaussianField Field, NfeBudget Budget) Run(string algorithm, SearchRequest request)
    {
        var field = new GaussianField();
        var budget = new NfeBudget(request.BudgetNfe);
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(new MeanTargetVerifier(0.55)), budget);
        var result = SearchAlgorithmTests.Make(algorithm).RunAsync(request, context, CancellationToken.None).GetAwaiter().GetResult();
        return (result, field, budget);
    }

    private static SearchRequest Request(double? target = null, int? patience = null) =>
        new(Label, 1f, 3, 15 * 40, TopK: 2, Sampler: SamplerKind.Heun, Steps: 8, TargetScore: target, Patience: patience);

    [Theory]
    [InlineData("random")]
    [InlineData("zero-order")]
    public void AReachableTargetStopsTheSearchAfterTheRoundThatReachesIt(string algorithm)
    {
        var full = Run(algorithm, Request()).Result;
        Assert.Equal(StopReason.Completed, full.StopReason);
        // A target the first round already beats (scores are -|mean - 0.55|, so -1 is met at once).
        var (early, field, budget) = Run(algorithm, Request(target: -1));
        Assert.Equal(StopReason.TargetReached, early.StopReason);
        Assert.Equal(1, early.Rounds);
        Assert.True(early.Nfe.Total < full.Nfe.Total / 2, $"stopped at {early.Nfe.Total} of {full.Nfe.Total} NFE");
        // Charged exactly what ran, counted at the field.
        Assert.Equal(field.ModelEvaluations, early.Nfe.Total);
        Assert.Equal(budget.Spent, early.Nfe.Total);
        Assert.True(early.Top[0].Scores.Primary >= -1);
        // An unreachable target spends the plan, as without one.
        var never = Run(algorithm, Request(target: 1)).Result;
        Assert.Equal((StopReason.Completed, full.Nfe.Total), (never.StopReason, never.Nfe.Total));
    }

    [Fact]
    public async Task ByDefaultATargetOrPatienceMakesRandomSearchCheckAfterEveryTwoCandidates()
    {
        // 40 candidates of 15 NFE: rounds of 16 without an adaptive budget, of 2 with one, unless the request names a size.
        Assert.Equal(3, new Algorithms.RandomSearch().Plan(Request()).Rounds);
        Assert.Equal(20, new Algorithms.RandomSearch().Plan(Request(target: 0.5)).Rounds);
        Assert.Equal(20, new Algorithms.RandomSearch().Plan(Request(patience: 3)).Rounds);
        Assert.Equal(5, new Algorithms.RandomSearch(new Algorithms.RandomSearchOptions(CandidatesPerRound: 8)).Plan(Request(target: 0.5)).Rounds);
        // The job's spec says what will run: the round size a request fixes (none before it).
        Assert.Equal("random", AlgorithmCatalog.SpecOf(AlgorithmCatalog.Create("random")));
        Assert.Equal("random(candidates-per-round=2)", AlgorithmCatalog.SpecOf(AlgorithmCatalog.Plan("random", Request(target: 0.5)).Algorithm));
        Assert.Equal("random(candidates-per-round=16)", AlgorithmCatalog.SpecOf(AlgorithmCatalog.Plan("random", Request()).Algorithm));
        Assert.Equal("random(candidates-per-round=4)", AlgorithmCatalog.SpecOf(AlgorithmCatalog.Plan("random(candidates-per-round=4)", Request(target: 0.5)).Algorithm));
        // A target the first two candidates meet stops there: 2 of 40 candidates spent, where rounds of 16 spent 16.
        var field = new GaussianField();
        var budget = new NfeBudget(Request().BudgetNfe);
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(new MeanTargetVerifier(0.55)), budget);
        var early = await new Algorithms.RandomSearch().RunAsync(Request(target: -1), context, CancellationToken.None);
        Assert.Equal((StopReason.TargetReached, 1, 2L * Request().SampleNfe), (early.StopReason, early.Rounds, early.Nfe.Total));
        Assert.Equal(early.Nfe.Total, field.ModelEvaluations);
        // A default never makes more rounds than the limit: 8192 candidates take rounds of 2 at most 4096 times.
        var large = new SearchRequest(Label, 1f, 3, 8192L * 15, Sampler: SamplerKind.Heun, Steps: 8, TargetScore: 0.5);
        Assert.Equal(SearchLimits.MaxRounds, new Algorithms.RandomSearch().Plan(large).Rounds);
    }

    [Fact]
    public void PatienceStopsAfterThatManyRoundsWithoutABetterBestScore()
    {
        var (result, _, _) = Run("zero-order", Request(patience: 1));
        var full = Run("zero-order", Request()).Result;
        if (result.StopReason == StopReason.NoImprovement)
        {
            Assert.True(result.Rounds < full.Rounds);
            Assert.True(result.Nfe.Total < full.Nfe.Total);
        }
        else Assert.Equal(full.Rounds, result.Rounds); // every round improved: nothing to stop for
        // Patience can only be met by rounds that did not improve: with a patience beyond the plan it never stops early.
        Assert.Equal(StopReason.Completed, Run("zero-order", Request(patience: 4096)).Result.StopReason);
    }

    [Theory]
    [InlineData("pruned")]
    [InlineData("paths")]
    [InlineData("particles")]
    public void AlgorithmsThatFinishImagesOnlyAtTheEndRefuseAnAdaptiveBudget(string algorithm)
    {
        var e = Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Plan(algorithm, Request(target: 0)));
        Assert.Equal(SearchPlanField.TargetScore, e.Field);
        Assert.Equal(SearchPlanField.Patience, Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Plan(algorithm, Request(patience: 2))).Field);
    }

    [Theory]
    [InlineData(double.NaN, null, SearchPlanField.TargetScore)]
    [InlineData(double.PositiveInfinity, null, SearchPlanField.TargetScore)]
    [InlineData(null, 0, SearchPlanField.Patience)]
    [InlineData(null, 4097, SearchPlanField.Patience)]
    public void OutOfRangeRulesAreRefusedNamingTheField(double? target, int? patience, SearchPlanField field) =>
        Assert.Equal(field, Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Plan("random", Request(target, patience))).Field);
}
