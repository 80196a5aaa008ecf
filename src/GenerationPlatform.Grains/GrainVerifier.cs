using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

/// <summary>
/// Scoring served by a <see cref="IVerifierGrain"/>. One call sends one batch and gets back scores
/// parallel to it, so the panel's order guarantee holds across the grain's micro-batching.
/// </summary>
internal sealed class GrainVerifier(IVerifierGrain grain, VerifierTraits traits, string tenantId) : IBatchScorer
{
    private readonly VerifierCostMeter meter = new();

    public string Name => traits.Name;
    public bool NeedsProbe => traits.NeedsProbe;
    public bool IsBatchRelative => traits.IsBatchRelative;
    public double FlopsPerImage => traits.FlopsPerImage;
    public double FlopsPerNoisyImage => traits.FlopsPerNoisyImage > 0 ? traits.FlopsPerNoisyImage : traits.FlopsPerImage;
    public bool RanksNoisyInputs => traits.RanksNoisyInputs;
    public VerifierCost Cost => meter.Snapshot;

    public async Task<double[]> ScoreAsync(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken)
    {
        var images = batch.Select(b => b.ToContract()).ToArray();
        var scores = await SiloLoss.RetryAsync(() => grain.ScoreAsync(images, tenantId, cancellationToken), cancellationToken).ConfigureAwait(false);
        meter.Measure(batch.Count, () => 0); // counts the call; the wall time is measured by the search context
        return scores;
    }
}
