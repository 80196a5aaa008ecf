using System.Globalization;
using System.Text;

namespace GenerationPlatform.Search;

/// <summary>
/// One link of a chain of checkpoints: with the links before it (back to its chain's base, <see cref="Sequence"/> 0),
/// everything a search needs to continue after round <see cref="Round"/>, taken at the end of that round. A base holds
/// the whole state; a later link holds the small state whole and only the candidates added since the link before it
/// (<see cref="CheckpointWriter"/>), so a chain grows by what the search adds, not by everything it holds each round.
/// <see cref="Payload"/> is the link in a versioned binary format (it carries the other fields too): persist the links
/// anywhere and <see cref="Read"/> them back in another process.
/// </summary>
/// <remarks>
/// Format, version 2, little-endian (BinaryWriter): "GPSC", int32 version, string algorithm,
/// string fingerprint (the request, options and primary verifier it belongs to), int32 round, int32 sequence,
/// int64 search NFE, int64 final NFE, int64 model evaluations, int32 length + the algorithm's own
/// state, then the FNV-1a 64 hash of every byte before it.
/// </remarks>
public sealed record SearchCheckpoint(string Algorithm, int Round, NfeSplit Nfe, byte[] Payload)
{
    public const int Version = 2;
    private static readonly byte[] Magic = "GPSC"u8.ToArray();

    /// <summary>The link's place in its chain: 0 for a base, n for the n-th link after it.</summary>
    public int Sequence { get; init; }

    /// <summary>True for a link that holds the whole state (the first of a chain).</summary>
    public bool IsBase => Sequence == 0;

    internal string Fingerprint { get; private init; } = "";
    internal byte[] State { get; private init; } = [];

    internal static SearchCheckpoint Create(string algorithm, string fingerprint, int round, int sequence, NfeSplit nfe, byte[] state)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(algorithm);
            w.Write(fingerprint);
            w.Write(round);
            w.Write(sequence);
            w.Write(nfe.Search);
            w.Write(nfe.Final);
            w.Write(nfe.ModelEvaluations);
            w.Write(state.Length);
            w.Write(state);
            w.Write(Fnv1a(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        }
        return new SearchCheckpoint(algorithm, round, nfe, stream.ToArray()) { Sequence = sequence, Fingerprint = fingerprint, State = state };
    }

    /// <summary>Parses and verifies a persisted checkpoint; throws <see cref="InvalidCheckpointException"/> if it is not intact.</summary>
    public static SearchCheckpoint Read(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length < Magic.Length + 4 + 8 || !payload.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidCheckpointException("not a search checkpoint (bad header)");
        if (BitConverter.ToUInt64(payload, payload.Length - 8) != Fnv1a(payload.AsSpan(0, payload.Length - 8)))
            throw new InvalidCheckpointException("corrupt search checkpoint: checksum mismatch");
        try
        {
            using var r = new BinaryReader(new MemoryStream(payload, Magic.Length, payload.Length - Magic.Length - 8), Encoding.UTF8);
            int version = r.ReadInt32();
            if (version != Version) throw new InvalidCheckpointException($"search checkpoint version {version} is not supported (this build reads version {Version})");
            string algorithm = r.ReadString(), fingerprint = r.ReadString();
            int round = r.ReadInt32(), sequence = r.ReadInt32();
            if (sequence < 0) throw new InvalidCheckpointException($"corrupt search checkpoint: sequence {sequence}");
            var nfe = new NfeSplit(r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
            var state = r.ReadBytes(r.ReadInt32());
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidCheckpointException("corrupt search checkpoint: trailing bytes");
            return new SearchCheckpoint(algorithm, round, nfe, payload) { Sequence = sequence, Fingerprint = fingerprint, State = state };
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidCheckpointException("corrupt search checkpoint: truncated", e);
        }
    }

    /// <summary>What a checkpoint is bound to: the algorithm's options, the request and the primary verifier.</summary>
    internal static string FingerprintOf(SearchRequest request, string verifier, FormattableString options) => string.Create(CultureInfo.InvariantCulture,
        $"label={request.Label};guidance={request.Guidance:R};seed={request.Seed};budget={request.BudgetNfe};top={request.TopK};sampler={request.Sampler};"
        + $"steps={request.Steps};eta={request.Eta:R};verifier={verifier};{options.ToString(CultureInfo.InvariantCulture)}"
        + $"{(request.Prompt is null ? "" : $";prompt={request.Prompt}")}{(request.TargetScore is { } target ? $";target={target:R}" : "")}"
        + $"{(request.Patience is { } patience ? $";patience={patience}" : "")}");

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037;
        foreach (var b in bytes) hash = (hash ^ b) * 1099511628211;
        return hash;
    }
}
