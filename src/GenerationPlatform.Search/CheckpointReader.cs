using System.Runtime.InteropServices;
using System.Text;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>Reads back, in the same order, what a <see cref="CheckpointWriter"/> wrote.</summary>
public sealed class CheckpointReader
{
    private readonly BinaryReader r;

    internal CheckpointReader(byte[] state) => r = new BinaryReader(new MemoryStream(state), Encoding.UTF8);

    public int ReadInt32() => r.ReadInt32();
    public long ReadInt64() => r.ReadInt64();
    public double ReadDouble() => r.ReadDouble();
    public bool ReadBoolean() => r.ReadBoolean();
    public string ReadString() => r.ReadString();

    public NoiseSeed ReadSeed() => new(r.ReadUInt64(), r.ReadUInt32(), r.ReadUInt32());

    public float[]? ReadFloats()
    {
        int n = r.ReadInt32();
        if (n < 0) return null;
        var values = new float[n];
        ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public double[] ReadDoubles()
    {
        var values = new double[r.ReadInt32()];
        ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public Candidate ReadCandidate()
    {
        var seed = ReadSeed();
        int round = r.ReadInt32();
        string origin = r.ReadString();
        double primary = r.ReadDouble();
        int count = r.ReadInt32();
        var byVerifier = new Dictionary<string, double>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++) byVerifier.Add(r.ReadString(), r.ReadDouble());
        var image = ReadFloats() ?? [];
        return new Candidate(seed, image, new CandidateScores(primary, byVerifier), round, origin);
    }

    public List<Candidate> ReadCandidates()
    {
        int n = r.ReadInt32();
        var list = new List<Candidate>(n);
        for (int i = 0; i < n; i++) list.Add(ReadCandidate());
        return list;
    }

    /// <summary>Throws unless every byte of the state was read: the writer and the reader disagree otherwise.</summary>
    public void End()
    {
        if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidCheckpointException("search checkpoint state has unread bytes");
    }

    private void ReadExactly(Span<byte> target)
    {
        if (r.Read(target) != target.Length) throw new EndOfStreamException();
    }
}
