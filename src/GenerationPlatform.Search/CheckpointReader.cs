using System.Runtime.InteropServices;
using System.Text;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>
/// Reads back, in the same order, what a <see cref="CheckpointWriter"/> wrote: the last checkpoint's values, and each
/// candidate list whole, put together from every checkpoint of its chain.
/// </summary>
public sealed class CheckpointReader
{
    private readonly BinaryReader r;
    private readonly List<List<Candidate>> lists;

    /// <summary>The lists handed out, in order (what the run's next checkpoint continues).</summary>
    internal List<List<Candidate>> ListsRead { get; } = [];

    private CheckpointReader(byte[] main, List<List<Candidate>> lists) => (r, this.lists) = (new BinaryReader(new MemoryStream(main), Encoding.UTF8), lists);

    /// <summary>A reader of a chain of states, a base first: values from the last, lists from all of them.</summary>
    internal static CheckpointReader Of(IReadOnlyList<byte[]> states)
    {
        byte[] main = [];
        var lists = new List<List<Candidate>>();
        for (int s = 0; s < states.Count; s++)
        {
            using var sr = new BinaryReader(new MemoryStream(states[s]), Encoding.UTF8);
            int mainLength = sr.ReadInt32();
            if (mainLength < 0 || mainLength > states[s].Length) throw new InvalidCheckpointException("corrupt search checkpoint state: bad length");
            main = sr.ReadBytes(mainLength);
            int count = sr.ReadInt32();
            if (count < 0 || (s == 0 ? count > 1_000 : count != lists.Count))
                throw new InvalidCheckpointException($"corrupt search checkpoint chain: checkpoint {s} holds {count} lists, the chain {lists.Count}");
            for (int k = 0; k < count; k++)
            {
                int baseCount = sr.ReadInt32(), added = sr.ReadInt32();
                if (k == lists.Count) lists.Add([]);
                var list = lists[k];
                if (baseCount == 0) list.Clear();
                else if (baseCount != list.Count)
                    throw new InvalidCheckpointException(
                        $"corrupt search checkpoint chain: checkpoint {s} continues list {k} after {baseCount} items, the chain holds {list.Count}");
                if (added < 0 || added > SearchLimits.MaxScoredImages * 4) throw new InvalidCheckpointException($"corrupt search checkpoint state: {added} candidates");
                for (int i = 0; i < added; i++) list.Add(ReadCandidate(sr));
            }
            if (sr.BaseStream.Position != sr.BaseStream.Length) throw new InvalidCheckpointException("search checkpoint state has unread bytes");
        }
        return new CheckpointReader(main, lists);
    }

    public int ReadInt32() => r.ReadInt32();
    public long ReadInt64() => r.ReadInt64();
    public double ReadDouble() => r.ReadDouble();
    public bool ReadBoolean() => r.ReadBoolean();
    public string ReadString() => r.ReadString();

    public NoiseSeed ReadSeed() => ReadSeed(r);

    public float[]? ReadFloats() => ReadFloats(r);

    public double[] ReadDoubles()
    {
        int n = r.ReadInt32();
        if (n < 0 || n > (r.BaseStream.Length - r.BaseStream.Position) / sizeof(double)) throw new EndOfStreamException();
        var values = new double[n];
        ReadExactly(r, MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public Candidate ReadCandidate() => ReadCandidate(r);

    /// <summary>The next candidate list, whole.</summary>
    public List<Candidate> ReadCandidates()
    {
        int index = r.ReadInt32();
        if (index != ListsRead.Count || index >= lists.Count)
            throw new InvalidCheckpointException($"corrupt search checkpoint state: list {index} where list {ListsRead.Count} of {lists.Count} was expected");
        ListsRead.Add(lists[index]);
        return lists[index];
    }

    /// <summary>Throws unless every byte of the state was read: the writer and the reader disagree otherwise.</summary>
    public void End()
    {
        if (r.BaseStream.Position != r.BaseStream.Length || ListsRead.Count != lists.Count) throw new InvalidCheckpointException("search checkpoint state has unread bytes");
    }

    private static NoiseSeed ReadSeed(BinaryReader r) => new(r.ReadUInt64(), r.ReadUInt32(), r.ReadUInt32());

    private static float[]? ReadFloats(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) return null;
        if (n > (r.BaseStream.Length - r.BaseStream.Position) / sizeof(float)) throw new EndOfStreamException();
        var values = new float[n];
        ReadExactly(r, MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static Candidate ReadCandidate(BinaryReader r)
    {
        var seed = ReadSeed(r);
        int round = r.ReadInt32();
        string origin = r.ReadString();
        double primary = r.ReadDouble();
        int count = r.ReadInt32();
        if (count < 0 || count > 64) throw new InvalidCheckpointException($"corrupt search checkpoint state: {count} verifier scores");
        var byVerifier = new Dictionary<string, double>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++) byVerifier.Add(r.ReadString(), r.ReadDouble());
        var image = ReadFloats(r) ?? [];
        return new Candidate(seed, image, new CandidateScores(primary, byVerifier), round, origin);
    }

    private static void ReadExactly(BinaryReader r, Span<byte> target)
    {
        if (r.Read(target) != target.Length) throw new EndOfStreamException();
    }
}
