using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

/// <summary>What verification costs: the panel counts its verifiers' FLOPs per image scored.</summary>
public sealed class VerifierCostTests
{
    private sealed class Costed(string name, double flops) : IImageVerifier
    {
        private readonly VerifierCostMeter meter = new();
        public string Name => name;
        public VerifierCost Cost => meter.Snapshot;
        public double FlopsPerImage => flops;
        public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
            meter.Measure(batch.Count, () => batch.Select(b => (double)b.Image[0]).ToArray());
    }

    /// <summary>A verifier whose noise-aware head costs more than its plain score.</summary>
    private sealed class WithHead(double flops, double noisyFlops) : IImageVerifier
    {
        private readonly VerifierCostMeter meter = new();
        public string Name => "headed";
        public VerifierCost Cost => meter.Snapshot;
        public double FlopsPerImage => flops;
        public double FlopsPerNoisyImage => noisyFlops;
        public bool RanksNoisyInputs => true;
        public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
            meter.Measure(batch.Count, () => batch.Select(b => (double)b.Time).ToArray());
    }

    [Fact]
    public async Task X0PredictionsScoredByANoiseAwareHeadCostWhatTheHeadCosts()
    {
        var panel = new VerifierPanel(new WithHead(10, 25), []);
        var inputs = Images(5).Select((x, i) => x with { Time = i < 3 ? 0.5f : 0f }).ToArray();
        await panel.ScoreAsync(inputs, CancellationToken.None);
        Assert.Equal(3 * 25.0 + 2 * 10.0, panel.Flops);
    }

    private static VerifierInput[] Images(int n) => Enumerable.Range(0, n).Select(i => new VerifierInput([i, .. new float[783]], 0)).ToArray();

    [Fact]
    public async Task ThePanelCountsEachVerifiersFlopsForEveryImageItScores()
    {
        var panel = new VerifierPanel(new Costed("a", 10), [new Costed("b", 20)]);
        await panel.ScoreAsync(Images(5), CancellationToken.None);
        await panel.ScoreAsync(Images(2), CancellationToken.None);
        Assert.Equal(7 * 30.0, panel.Flops);
    }

    [Fact]
    public async Task OneVerifierOfUnknownCostMakesTheTotalUnknown()
    {
        var panel = new VerifierPanel(new Costed("a", 10), [new Costed("b", 0)]);
        await panel.ScoreAsync(Images(3), CancellationToken.None);
        Assert.Null(panel.Flops);
    }

    [Fact]
    public void AnEnsembleCostsWhatItsMembersCostTogether()
    {
        Assert.Equal(30.0, new EnsembleVerifier([new Costed("a", 10), new Costed("b", 20)]).FlopsPerImage);
        Assert.Equal(0.0, new EnsembleVerifier([new Costed("a", 10), new Costed("b", 0)]).FlopsPerImage);
    }
}
