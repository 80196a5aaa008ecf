using GenerationPlatform.Search.Algorithms;
using GenerationPlatform.Serving;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

/// <summary>Pruned search's noise-aware ranking (SEARCH.md section 3.4): what reaches the verifier, and what is refused.</summary>
public sealed class NoiseAwareRankingTests
{
    private const int Label = 2;


    private static Task<SearchResult> RunAsync(PrunedOptions options, IImageVerifier verifier, long budget = 2_000)
    {
        var context = new SearchContext(new LocalDenoiser(new GaussianField()), new VerifierPanel(verifier), new NfeBudget(budget));
        var request = new SearchRequest(Label, 1f, 3, budget, TopK: 2, Sampler: SamplerKind.Heun, Steps: 10);
        return new PrunedSearch(options).RunAsync(request, context, CancellationToken.None);
    }

    [Fact]
    public async Task NoiseAwareRankingTellsTheVerifierWhenEachX0PredictionWasTakenAndScoresFinishedImagesAtT0()
    {
        var verifier = new TimeRecordingVerifier(0.5);
        var result = await RunAsync(new PrunedOptions([0.2, 0.5], 0.5, Candidates: 8, Ranking: PruneRanking.NoiseAware), verifier);
        // 8 x0-predictions at t = 0.8 (step 2 of 10), 4 at t = 0.5, then the 2 survivors' finished images at t = 0.
        Assert.Equal([.. Enumerable.Repeat(0.8f, 8), .. Enumerable.Repeat(0.5f, 4), .. Enumerable.Repeat(0f, 2)], verifier.Times);
        Assert.Equal(2, result.Top.Count);
    }

    [Fact]
    public async Task RankingByX0PredictionSendsNoTime()
    {
        var verifier = new TimeRecordingVerifier(0.5);
        await RunAsync(new PrunedOptions([0.2, 0.5], 0.5, Candidates: 8), verifier);
        Assert.All(verifier.Times, t => Assert.Equal(0f, t));
    }

    [Fact]
    public async Task NoiseAwareRankingWithAVerifierWithoutAHeadIsRefusedNamingTheParameterBeforeAnythingIsSpent()
    {
        var field = new GaussianField();
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(new MeanTargetVerifier(0.5)), new NfeBudget(2_000));
        var request = new SearchRequest(Label, 1f, 3, 2_000, TopK: 2, Steps: 10);
        var e = await Assert.ThrowsAsync<SearchPlanException>(() =>
            new PrunedSearch(new PrunedOptions(Ranking: PruneRanking.NoiseAware)).RunAsync(request, context, CancellationToken.None));
        Assert.Equal("ranking", e.Parameter);
        Assert.Contains("mean-target", e.Message);
        Assert.Equal(0, field.ModelEvaluations);
    }

    [Fact]
    public void TheCatalogueReadsAndWritesTheRankingParameter()
    {
        var algorithm = AlgorithmCatalog.Create("pruned(ranking=noise-aware, candidates=32)");
        Assert.True(algorithm.RanksNoisyInputs);
        Assert.Equal("pruned(keep=0.5,candidates=32,ranking=noise-aware)", AlgorithmCatalog.SpecOf(algorithm));
        Assert.False(AlgorithmCatalog.Create("pruned").RanksNoisyInputs);
        var bad = Assert.Throws<SearchPlanException>(() => AlgorithmCatalog.Create("pruned(ranking=oracle)"));
        Assert.Equal("ranking", bad.Parameter);
    }

    [Fact]
    public async Task ACheckpointOfOneRankingDoesNotResumeTheOther()
    {
        SearchCheckpoint? taken = null;
        var field = new GaussianField();
        var sync = new SyncProgress(p => taken ??= p.Checkpoint);
        var request = new SearchRequest(Label, 1f, 3, 2_000, TopK: 2, Steps: 10);
        var first = new SearchContext(new LocalDenoiser(field), new VerifierPanel(new TimeRecordingVerifier(0.5)), new NfeBudget(2_000), sync);
        await new PrunedSearch(new PrunedOptions(Candidates: 8, Ranking: PruneRanking.NoiseAware)).RunAsync(request, first, CancellationToken.None);
        Assert.NotNull(taken);
        var second = new SearchContext(new LocalDenoiser(field), new VerifierPanel(new TimeRecordingVerifier(0.5)), new NfeBudget(2_000), resumeFrom: [taken!]);
        await Assert.ThrowsAsync<InvalidCheckpointException>(() =>
            new PrunedSearch(new PrunedOptions(Candidates: 8)).RunAsync(request, second, CancellationToken.None));
    }

    private sealed class SyncProgress(Action<SearchProgress> report) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => report(value);
    }
}
