using System.Runtime.InteropServices;
using System.Text;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>
/// Writes an algorithm's state into a checkpoint. Candidate lists are journaled: a list that only grew since the last
/// checkpoint (the same list, its earlier items unchanged and none of them newly needing its image) is written as its new
/// items on top of the earlier ones, so a search that keeps every candidate writes each once, not once a round.
/// </summary>
/// <remarks>
/// State layout: int32 length + the main stream (the algorithm's values in order; a candidate list is its int32 index
/// among the lists), then int32 list count and, per list, int32 base count (0: the list restarts here; n: it continues
/// the earlier checkpoints' n items), int32 new count and the new candidates.
/// </remarks>
public sealed class CheckpointWriter
{
    private readonly MemoryStream stream = new();
    private readonly BinaryWriter w;
    private readonly CandidateJournal? journal;

    /// <summary>The lists written, in order: the list, the count it continues from, and whether each item's image was written.</summary>
    internal List<(IReadOnlyList<Candidate> List, int BaseCount, bool[] Imaged, byte[] Bytes)> Lists { get; } = [];

    /// <param name="journal">What earlier checkpoints of this chain hold; null writes every list whole (a base).</param>
    internal CheckpointWriter(CandidateJournal? journal) => (w, this.journal) = (new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true), journal);

    internal byte[] ToArray()
    {
        w.Flush();
        using var all = new MemoryStream();
        using var o = new BinaryWriter(all, Encoding.UTF8, leaveOpen: true);
        o.Write((int)stream.Length);
        o.Write(stream.GetBuffer(), 0, (int)stream.Length);
        o.Write(Lists.Count);
        foreach (var (list, baseCount, _, bytes) in Lists)
        {
            o.Write(baseCount);
            o.Write(list.Count - baseCount);
            o.Write(bytes);
        }
        o.Flush();
        return all.ToArray();
    }

    public void Write(int value) => w.Write(value);
    public void Write(long value) => w.Write(value);
    public void Write(double value) => w.Write(value);
    public void Write(bool value) => w.Write(value);
    public void Write(string value) => w.Write(value);

    public void Write(NoiseSeed seed) => Write(w, seed);

    /// <summary>A float array, or null (length -1).</summary>
    public void Write(float[]? values) => Write(w, values);

    public void Write(double[] values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>A candidate; its image only when <paramref name="withImage"/> (it reads back as an empty image otherwise).</summary>
    public void Write(Candidate c, bool withImage) => Write(w, c, withImage);

    /// <summary>
    /// A list of candidates, each with its image where <paramref name="withImage"/> says. A list that grows by appending
    /// (the same list object every round) is written incrementally.
    /// </summary>
    public void Write(IReadOnlyList<Candidate> candidates, Func<Candidate, bool> withImage)
    {
        int index = Lists.Count;
        w.Write(index);
        int from = journal?.Continues(index, candidates, withImage) ?? 0;
        var imaged = new bool[candidates.Count - from];
        using var items = new MemoryStream();
        using (var iw = new BinaryWriter(items, Encoding.UTF8, leaveOpen: true))
            for (int i = from; i < candidates.Count; i++)
            {
                imaged[i - from] = withImage(candidates[i]);
                Write(iw, candidates[i], imaged[i - from]);
            }
        Lists.Add((candidates, from, imaged, items.ToArray()));
    }

    private static void Write(BinaryWriter w, NoiseSeed seed)
    {
        w.Write(seed.Seed);
        w.Write(seed.Round);
        w.Write(seed.Candidate);
    }

    private static void Write(BinaryWriter w, float[]? values)
    {
        if (values is null) { w.Write(-1); return; }
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void Write(BinaryWriter w, Candidate c, bool withImage)
    {
        Write(w, c.Seed);
        w.Write(c.Round);
        w.Write(c.Origin);
        w.Write(c.Scores.Primary);
        w.Write(c.Scores.ByVerifier.Count);
        foreach (var (name, score) in c.Scores.ByVerifier) { w.Write(name); w.Write(score); }
        Write(w, withImage ? c.Image : null);
    }
}
