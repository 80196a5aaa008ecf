using GenerationPlatform.Verifiers.Core;

namespace GenerationPlatform.Search;

/// <summary>Scores of one image: the verifier the search optimizes, and every verifier by name.</summary>
public sealed record CandidateScores(double Primary, IReadOnlyDictionary<string, double> ByVerifier);

/// <summary>
/// Scores images for a search: the primary verifier (what the search maximizes) plus any verifiers
/// that are only reported. Batches are split into chunks scored concurrently; every chunk writes
/// only its own slice of the result, by the offset it was given, so whatever order chunks finish
/// in, score i belongs to input i. Batch-relative verifiers (ensembles) see the whole batch.
/// </summary>
public sealed class VerifierPanel(IImageVerifier primary, IReadOnlyList<IImageVerifier>? reported = null, int maxChunk = 256)
{
    public IImageVerifier Primary { get; } = primary;
    public IReadOnlyList<IImageVerifier> All { get; } = [primary, .. (reported ?? []).Where(v => v.Name != primary.Name)];
    public bool NeedsProbe => All.Any(v => v.NeedsProbe);

    public VerifierCost Cost => All.Aggregate(VerifierCost.Zero, (c, v) => c.Add(v.Cost));

    public async Task<CandidateScores[]> ScoreAsync(IReadOnlyList<VerifierInput> inputs, CancellationToken cancellationToken)
    {
        var perVerifier = new double[All.Count][];
        for (int v = 0; v < All.Count; v++)
            perVerifier[v] = await ScoreWithAsync(All[v], inputs, cancellationToken).ConfigureAwait(false);
        return Enumerable.Range(0, inputs.Count).Select(i => new CandidateScores(
            perVerifier[0][i],
            All.Select((v, k) => (v.Name, perVerifier[k][i])).ToDictionary(x => x.Name, x => x.Item2))).ToArray();
    }

    private async Task<double[]> ScoreWithAsync(IImageVerifier verifier, IReadOnlyList<VerifierInput> inputs, CancellationToken cancellationToken)
    {
        var scores = new double[inputs.Count];
        if (inputs.Count == 0) return scores;
        if (verifier is IAsyncImageVerifier remote)
        {
            var remoteScores = await remote.ScoreAsync(inputs, cancellationToken).ConfigureAwait(false);
            if (remoteScores.Length != inputs.Count) throw new InvalidOperationException($"verifier {verifier.Name} returned {remoteScores.Length} scores for {inputs.Count} images");
            return remoteScores;
        }
        int chunk = verifier is EnsembleVerifier ? inputs.Count : Math.Max(1, maxChunk);
        var all = inputs as VerifierInput[] ?? inputs.ToArray();
        var tasks = new List<Task>();
        for (int offset = 0; offset < inputs.Count; offset += chunk)
        {
            int start = offset, count = Math.Min(chunk, inputs.Count - offset);
            var slice = new ArraySegment<VerifierInput>(all, start, count);
            tasks.Add(Task.Run(() =>
            {
                var part = verifier.Score(slice, cancellationToken);
                if (part.Length != count) throw new InvalidOperationException($"verifier {verifier.Name} returned {part.Length} scores for {count} images");
                part.CopyTo(scores, start);
            }, cancellationToken));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return scores;
    }
}
