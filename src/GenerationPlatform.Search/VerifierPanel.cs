using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search;

/// <summary>
/// Scores images for a search: the primary verifier (what the search maximizes) plus any verifiers
/// that are only reported, each through its <see cref="IBatchScorer"/> (in this process, chunked on
/// pool threads; or served elsewhere). Score i always belongs to input i.
/// </summary>
public sealed class VerifierPanel(IBatchScorer primary, IReadOnlyList<IBatchScorer>? reported = null)
{
    /// <summary>A panel of verifiers in this process, scored in chunks of at most <paramref name="maxChunk"/> images.</summary>
    public VerifierPanel(IImageVerifier primary, IReadOnlyList<IImageVerifier>? reported = null, int maxChunk = 256)
        : this(new LocalScorer(primary, maxChunk), (reported ?? []).Select(v => (IBatchScorer)new LocalScorer(v, maxChunk)).ToArray())
    {
    }

    public IBatchScorer Primary { get; } = primary;
    public IReadOnlyList<IBatchScorer> All { get; } = [primary, .. (reported ?? []).Where(v => v.Name != primary.Name)];
    public bool NeedsProbe => All.Any(v => v.NeedsProbe);

    public VerifierCost Cost => All.Aggregate(VerifierCost.Zero, (c, v) => c.Add(v.Cost));

    private double flops;
    private bool flopsUnknown;
    private readonly Lock flopsGate = new();

    /// <summary>FLOPs its verifiers spent on the images scored through it; null when a verifier's cost is not known.</summary>
    public double? Flops
    {
        get { lock (flopsGate) return flopsUnknown ? null : flops; }
    }

    public async Task<CandidateScores[]> ScoreAsync(IReadOnlyList<VerifierInput> inputs, CancellationToken cancellationToken)
    {
        var perVerifier = new double[All.Count][];
        int noisyInputs = inputs.Count(i => i.Time > 0f);
        for (int v = 0; v < All.Count; v++)
        {
            perVerifier[v] = inputs.Count == 0 ? [] : await All[v].ScoreAsync(inputs, cancellationToken).ConfigureAwait(false);
            lock (flopsGate)
            {
                // x0-predictions go to a noise-aware head, which may cost more than scoring a finished image.
                int noisy = All[v].RanksNoisyInputs ? noisyInputs : 0;
                if (All[v].FlopsPerImage > 0 && (noisy == 0 || All[v].FlopsPerNoisyImage > 0))
                    flops += (inputs.Count - noisy) * All[v].FlopsPerImage + noisy * All[v].FlopsPerNoisyImage;
                else if (inputs.Count > 0) flopsUnknown = true;
            }
            if (perVerifier[v].Length != inputs.Count)
                throw new InvalidOperationException($"verifier {All[v].Name} returned {perVerifier[v].Length} scores for {inputs.Count} images");
        }
        return Enumerable.Range(0, inputs.Count).Select(i => new CandidateScores(
            perVerifier[0][i],
            All.Select((v, k) => (v.Name, perVerifier[k][i])).ToDictionary(x => x.Name, x => x.Item2))).ToArray();
    }
}
