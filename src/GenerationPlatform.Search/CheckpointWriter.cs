using System.Runtime.InteropServices;
using System.Text;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>Writes an algorithm's state into a checkpoint.</summary>
public sealed class CheckpointWriter
{
    private readonly MemoryStream stream = new();
    private readonly BinaryWriter w;

    internal CheckpointWriter() => w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);

    internal byte[] ToArray() { w.Flush(); return stream.ToArray(); }

    public void Write(int value) => w.Write(value);
    public void Write(long value) => w.Write(value);
    public void Write(double value) => w.Write(value);
    public void Write(bool value) => w.Write(value);
    public void Write(string value) => w.Write(value);

    public void Write(NoiseSeed seed)
    {
        w.Write(seed.Seed);
        w.Write(seed.Round);
        w.Write(seed.Candidate);
    }

    /// <summary>A float array, or null (length -1).</summary>
    public void Write(float[]? values)
    {
        if (values is null) { w.Write(-1); return; }
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public void Write(double[] values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>A candidate; its image only when <paramref name="withImage"/> (it reads back as an empty image otherwise).</summary>
    public void Write(Candidate c, bool withImage)
    {
        Write(c.Seed);
        w.Write(c.Round);
        w.Write(c.Origin);
        w.Write(c.Scores.Primary);
        w.Write(c.Scores.ByVerifier.Count);
        foreach (var (name, score) in c.Scores.ByVerifier) { w.Write(name); w.Write(score); }
        Write(withImage ? c.Image : null);
    }

    public void Write(IReadOnlyList<Candidate> candidates, Func<Candidate, bool> withImage)
    {
        w.Write(candidates.Count);
        foreach (var c in candidates) Write(c, withImage(c));
    }
}
