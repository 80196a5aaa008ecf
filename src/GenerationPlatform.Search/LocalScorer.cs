using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search;

/// <summary>
/// A verifier in this process: batches are split into chunks scored concurrently on pool threads (whole
/// for a batch-relative verifier); every chunk writes only its own slice, by the offset it was given, so
/// whatever order chunks finish in, score i belongs to input i.
/// </summary>
public sealed class LocalScorer(IImageVerifier verifier, int maxChunk = 256) : IBatchScorer
{
    public IImageVerifier Verifier { get; } = verifier;
    public string Name => Verifier.Name;
    public bool NeedsProbe => Verifier.NeedsProbe;
    public bool IsBatchRelative => Verifier.IsBatchRelative;
    public VerifierCost Cost => Verifier.Cost;
    public double FlopsPerImage => Verifier.FlopsPerImage;
    public double FlopsPerNoisyImage => Verifier.FlopsPerNoisyImage;
    public bool RanksNoisyInputs => Verifier.RanksNoisyInputs;

    public async Task<double[]> ScoreAsync(IReadOnlyList<VerifierInput> inputs, CancellationToken cancellationToken)
    {
        var scores = new double[inputs.Count];
        if (inputs.Count == 0) return scores;
        int chunk = IsBatchRelative ? inputs.Count : Math.Max(1, maxChunk);
        var all = inputs as VerifierInput[] ?? inputs.ToArray();
        var tasks = new List<Task>();
        for (int offset = 0; offset < inputs.Count; offset += chunk)
        {
            int start = offset, count = Math.Min(chunk, inputs.Count - offset);
            var slice = new ArraySegment<VerifierInput>(all, start, count);
            tasks.Add(Task.Run(() =>
            {
                var part = Verifier.Score(slice, cancellationToken);
                if (part.Length != count) throw new InvalidOperationException($"verifier {Name} returned {part.Length} scores for {count} images");
                part.CopyTo(scores, start);
            }, cancellationToken));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return scores;
    }
}
