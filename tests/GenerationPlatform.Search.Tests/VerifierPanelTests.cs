using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

public sealed class VerifierPanelTests
{
    /// <summary>Scores chunks after random delays, so chunks complete in a shuffled order.</summary>
    private sealed class ShuffledVerifier(int seed) : IImageVerifier
    {
        private readonly VerifierCostMeter meter = new();
        private readonly Random random = new(seed);
        public List<int> CompletionOrder { get; } = [];
        public string Name => "shuffled";
        public VerifierCost Cost => meter.Snapshot;

        public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
        {
            int delay;
            lock (random) delay = random.Next(0, 40);
            Thread.Sleep(delay);
            lock (CompletionOrder) CompletionOrder.Add(batch[0].Label);
            return meter.Measure(batch.Count, () => batch.Select(b => (double)b.Image[0] * 1000 + b.Label).ToArray());
        }
    }

    [Fact]
    public async Task ScoresStayWithTheirImagesWhateverOrderChunksFinishIn()
    {
        var verifier = new ShuffledVerifier(4);
        var panel = new VerifierPanel(verifier, maxChunk: 3);
        var inputs = Enumerable.Range(0, 40).Select(i => new VerifierInput([i * 0.01f, .. new float[783]], i % 10)).ToArray();
        var scores = await panel.ScoreAsync(inputs, CancellationToken.None);
        for (int i = 0; i < inputs.Length; i++)
            Assert.Equal(inputs[i].Image[0] * 1000 + inputs[i].Label, scores[i].Primary, 3);
        Assert.Equal(14, verifier.Cost.Calls);
        Assert.Equal(40, verifier.Cost.Images);
    }

    [Fact]
    public async Task ReportsEveryVerifierByName()
    {
        var panel = new VerifierPanel(new MeanTargetVerifier(0.5), [new TopHalfVerifier(), new MeanTargetVerifier(0.5)]);
        var scores = await panel.ScoreAsync([new VerifierInput(Enumerable.Repeat(0.5f, 784).ToArray(), 1)], CancellationToken.None);
        Assert.Equal(0.0, scores[0].Primary);
        Assert.Equal(new[] { "mean-target", "top-half" }, scores[0].ByVerifier.Keys.Order());
    }
}
