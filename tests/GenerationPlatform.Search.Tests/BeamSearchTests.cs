using GenerationPlatform.Search.Algorithms;
using GenerationPlatform.Serving;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Tests;

/// <summary>Beam search with lookahead: its exact cost, its branches, and what its ranking sends the verifier.</summary>
public sealed class BeamSearchTests
{
    private const int Label = 2;


    private static readonly SearchRequest Request = new(Label, 1f, 5, 1_000, TopK: 1, Sampler: SamplerKind.Heun, Steps: 10);

    [Fact]
    public async Task ItChargesExactlyItsPlanStepByStep()
    {
        var beam = new BeamSearch(new BeamOptions(Beams: 2, Branches: 2, ExpandAt: [0.2, 0.5], Candidates: 4));
        // 4 candidates x 2 Heun steps (4 NFE, the x0-prediction at t = 0.8 free from the corrector); 2 beams x 2 branches
        // x 3 stochastic steps + 1 evaluation at t = 0.5 (4 NFE); 2 beams x 5 Heun steps ending at t = 0 (9 NFE).
        Assert.Equal(4 * 4 + 4 * 4 + 2 * 9, beam.Plan(Request).Nfe);
        var field = new GaussianField();
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(new MeanTargetVerifier(0.5)), new NfeBudget(Request.BudgetNfe));
        var result = await beam.RunAsync(Request, context, CancellationToken.None);
        Assert.Equal(50, result.Nfe.Total);
        Assert.Equal(50, field.ModelEvaluations);
    }

    [Fact]
    public async Task BranchesOfOneBeamDifferAndNoiseAwareRankingSendsEachPredictionItsTime()
    {
        var verifier = new TimeRecordingVerifier(0.5);
        var beam = new BeamSearch(new BeamOptions(Beams: 1, Branches: 3, ExpandAt: [0.2, 0.5], Ranking: PruneRanking.NoiseAware, Candidates: 2));
        var context = new SearchContext(new LocalDenoiser(new GaussianField()), new VerifierPanel(verifier), new NfeBudget(Request.BudgetNfe));
        var result = await beam.RunAsync(Request, context, CancellationToken.None);
        Assert.Equal([0.8f, 0.8f, 0.5f, 0.5f, 0.5f, 0f], verifier.Times);
        // The three branches grown from the one beam in round 1: two dropped, one went on to finish; all different.
        var branches = result.AllScored.Where(c => c.Round == 1).Select(c => c.Image).ToList();
        Assert.Equal(2, branches.Count);
        Assert.False(branches[0].SequenceEqual(branches[1]));
        Assert.Equal(3, result.AllScored.Count(c => c.Seed.Round == 1)); // the two dropped and the one that finished
    }

    [Fact]
    public async Task NoiseAwareRankingWithoutAHeadIsRefusedNamingTheParameter()
    {
        var context = new SearchContext(new LocalDenoiser(new GaussianField()), new VerifierPanel(new MeanTargetVerifier(0.5)), new NfeBudget(Request.BudgetNfe));
        var e = await Assert.ThrowsAsync<SearchPlanException>(() =>
            new BeamSearch(new BeamOptions(Ranking: PruneRanking.NoiseAware)).RunAsync(Request, context, CancellationToken.None));
        Assert.Equal("ranking", e.Parameter);
    }

    [Theory]
    [InlineData("beam(beams=0)", "beams")]
    [InlineData("beam(branches=65)", "branches")]
    [InlineData("beam(beams=1024,branches=2)", "branches")]
    [InlineData("beam(eta=0)", "eta")]
    [InlineData("beam(expand-at=[0.5;0.3])", "expand-at")]
    [InlineData("beam(beams=4,candidates=2)", "candidates")]
    public void BadParametersAreRefusedByName(string spec, string parameter)
    {
        var e = Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Create(spec));
        Assert.Equal(parameter, e.Parameter);
    }

    [Fact]
    public void ALargeTopKTimesBranchesIsRefusedNamingBranchesNotAnInternalError()
    {
        // Beams kept are max(beams, top-k): 64 x 17 = 1 088 branches at once, above the 1 024 one call may denoise.
        var request = Request with { TopK = 64, BudgetNfe = 200_000 };
        var e = Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Plan("beam(beams=4,branches=17)", request));
        Assert.Equal("branches", e.Parameter);
        Assert.Contains("1088", e.Message);
        Assert.Equal(1_024, AlgorithmCatalog.Plan("beam(beams=4,branches=16)", request).Plan.LargestCall);
    }
}
