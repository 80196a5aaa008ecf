using GenerationPlatform.Search.Algorithms;

using GenerationPlatform.Serving;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

public sealed class ProbeTests
{
    /// <summary>Scores an image by its closeness to its own x0-prediction at the probe time, as self-consistency does.</summary>
    private sealed class ProbeDistanceVerifier : IImageVerifier
    {
        private readonly VerifierCostMeter meter = new();
        public string Name => "probe-distance";
        public bool NeedsProbe => true;
        public VerifierCost Cost => meter.Snapshot;
        public List<(float[] Image, float[] Probe)> Seen { get; } = [];

        public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) => meter.Measure(batch.Count, () =>
            batch.Select(b =>
            {
                var probe = b.ProbeX0 ?? throw new ArgumentException("no probe");
                lock (Seen) Seen.Add((b.Image, probe));
                return -b.Image.Zip(probe, (x, p) => (double)(x - p) * (x - p)).Sum();
            }).ToArray());
    }

    [Fact]
    public async Task FinalImagesAreScoredWithTheirOwnX0PredictionAtTheProbeTimeForNoExtraNfe()
    {
        var verifier = new ProbeDistanceVerifier();
        var field = new GaussianField();
        var request = new SearchRequest(Label: 3, Guidance: 1f, Seed: 5, BudgetNfe: 19 * 4, TopK: 2);
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(verifier), new NfeBudget(request.BudgetNfe));
        var result = await new RandomSearch().RunAsync(request, context, CancellationToken.None);

        Assert.Equal(4, verifier.Seen.Count);
        Assert.Equal(19 * 4, result.Nfe.Total);
        // Each probe is the x0-prediction of that same trajectory at the probe time: recompute one directly.
        var first = result.AllScored.Single(c => c.Seed.Candidate == 0);
        var direct = await new LocalDenoiser(new GaussianField()).DenoiseAsync([request.Full(first.Seed, x0Times: [SearchContext.ProbeTime])], CancellationToken.None);
        var probe = verifier.Seen.Single(s => ReferenceEquals(s.Image, first.Image) || s.Image.SequenceEqual(first.Image)).Probe;
        Assert.Equal(direct[0].X0Predictions.Single().Image, probe);
        Assert.NotEqual(first.Image, probe);
    }
}
