using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Verifiers.Core;

namespace GenerationPlatform.Grains;

/// <summary>Denoising served by a <see cref="IDenoiserGrain"/>, on behalf of one tenant.</summary>
internal sealed class GrainDenoiser(IDenoiserGrain grain, string tenantId) : IDenoiser
{
    public async Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return [];
        var outcomes = await grain.DenoiseAsync(batch.Select(s => s.ToContract()).ToArray(), tenantId, cancellationToken).ConfigureAwait(false);
        if (outcomes.Length != batch.Count) throw new InvalidOperationException($"denoiser returned {outcomes.Length} outcomes for {batch.Count} segments");
        return outcomes.Select(o => o.ToOutcome()).ToArray();
    }
}

/// <summary>
/// Scoring served by a <see cref="IVerifierGrain"/>. One call sends one batch and gets back scores
/// parallel to it, so the panel's order guarantee holds across the grain's micro-batching.
/// </summary>
internal sealed class GrainVerifier(IVerifierGrain grain, VerifierTraits traits) : IAsyncImageVerifier
{
    private readonly VerifierCostMeter meter = new();

    public string Name => traits.Name;
    public bool NeedsProbe => traits.NeedsProbe;
    public bool IsBatchRelative => traits.IsBatchRelative;
    public VerifierCost Cost => meter.Snapshot;

    public async Task<double[]> ScoreAsync(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken)
    {
        var scores = await grain.ScoreAsync(batch.Select(b => b.ToContract()).ToArray(), cancellationToken).ConfigureAwait(false);
        meter.Measure(batch.Count, () => 0); // counts the call; the wall time is measured by the search context
        return scores;
    }

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("a grain-backed verifier is asynchronous: score through VerifierPanel");
}
