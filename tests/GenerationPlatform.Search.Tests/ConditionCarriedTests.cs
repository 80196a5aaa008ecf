using GenerationPlatform.Serving;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Tests;

/// <summary>Every segment every algorithm asks for carries the request's condition: its class and, for text models, its prompt embedding.</summary>
public sealed class ConditionCarriedTests
{
    private sealed class Recording(IDenoiser inner) : IDenoiser
    {
        public List<TrajectorySpec> Specs { get; } = [];
        public ImageShape Shape => inner.Shape;

        public Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken)
        {
            lock (Specs) Specs.AddRange(batch);
            return inner.DenoiseAsync(batch, cancellationToken);
        }
    }

    [Theory]
    [MemberData(nameof(SearchAlgorithmTests.Algorithms), MemberType = typeof(SearchAlgorithmTests))]
    public async Task EverySegmentCarriesThePromptEmbedding(string algorithm)
    {
        var embedding = Enumerable.Range(0, 16).Select(i => i / 16f).ToArray();
        var denoiser = new Recording(new LocalDenoiser(new GaussianField()));
        var request = new SearchRequest(2, 1f, 4, 400, TopK: 2, Sampler: SamplerKind.Heun, Steps: 8, Prompt: "a red sneaker", Embedding: embedding);
        var context = new SearchContext(denoiser, new VerifierPanel(new MeanTargetVerifier(0.55)), new NfeBudget(request.BudgetNfe));
        await SearchAlgorithmTests.Make(algorithm).RunAsync(request, context, CancellationToken.None);
        Assert.NotEmpty(denoiser.Specs);
        Assert.All(denoiser.Specs, s =>
        {
            Assert.Same(embedding, s.Embedding);
            Assert.Equal(2, s.Label);
        });
    }
}
