using GenerationPlatform.Text;
using GenerationPlatform.Text.Training;
using GenerationPlatform.Tools;
using static TorchSharp.torch;

namespace GenerationPlatform.Research.Training;

/// <summary>
/// The caption embeddings tune-text-projection works on: synonym captions and their teachers (the same caption with a
/// training word), split into the pairs it tunes on and the held-out ones, and the training captions it keeps in place.
/// </summary>
internal sealed class SynonymPairTensors : IDisposable
{
    private SynonymPairTensors(Tensor tunePairs, Tensor tuneTeachers, Tensor heldOutPairs, Tensor heldOutTeachers, Tensor anchors)
    {
        (TunePairs, TuneTeachers, HeldOutPairs, HeldOutTeachers, Anchors) = (tunePairs, tuneTeachers, heldOutPairs, heldOutTeachers, anchors);
    }

    public Tensor TunePairs { get; }
    public Tensor TuneTeachers { get; }
    public Tensor HeldOutPairs { get; }
    public Tensor HeldOutTeachers { get; }
    public Tensor Anchors { get; }
    public long TuneCount => TunePairs.shape[0];
    public long HeldOutCount => HeldOutPairs.shape[0];

    /// <summary>Encodes (or reads from the cache) the pairs of <paramref name="perSynonym"/> captions per synonym; the anchors are given flat.</summary>
    public static SynonymPairTensors Encode(int perSynonym, ulong seed, string cacheDir, float[] anchorFlat, CancellationToken ct)
    {
        var pairs = SynonymCaptions.Pairs(perSynonym, seed);
        var cache = new CaptionEmbeddingCache(cacheDir, MiniLmTextEncoder.EncoderName, MiniLmTextEncoder.EmbeddingDimension);
        var bar = new ConsoleProgress("encode synonym captions");
        var texts = pairs.Select(x => x.Caption).Concat(pairs.Select(x => x.TeacherCaption)).ToArray();
        var vectors = cache.GetOrEncode(texts, () => new MiniLmTextEncoder(), 2, 64, (done, total) => bar.Report(done, total, ""), ct);
        Tensor Rows(IEnumerable<int> indices) => stack(indices.Select(i => tensor(vectors[i])).ToArray());
        var tune = Enumerable.Range(0, pairs.Count).Where(i => !pairs[i].Validation).ToArray();
        var heldOut = Enumerable.Range(0, pairs.Count).Where(i => pairs[i].Validation).ToArray();
        int dim = MiniLmTextEncoder.EmbeddingDimension;
        return new SynonymPairTensors(Rows(tune), Rows(tune.Select(i => i + pairs.Count)), Rows(heldOut), Rows(heldOut.Select(i => i + pairs.Count)),
            tensor(anchorFlat, [anchorFlat.Length / dim, dim]));
    }

    public void Dispose()
    {
        TunePairs.Dispose();
        TuneTeachers.Dispose();
        HeldOutPairs.Dispose();
        HeldOutTeachers.Dispose();
        Anchors.Dispose();
    }
}
