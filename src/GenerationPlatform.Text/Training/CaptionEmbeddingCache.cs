using System.Text;

namespace GenerationPlatform.Text.Training;

/// <summary>
/// Embeddings of caption strings kept on disk, keyed by the exact string, so a rerun (or a resumed training run) never
/// encodes a caption twice. One append-only file per encoder, <c>{folder}/{encoder}.embeddings</c>: a sequence of records
/// (int32 UTF-8 length, the UTF-8 bytes, <c>Dimension</c> float32 values, little-endian). A record cut short by a crash is
/// ignored on reading and overwritten by the next append. Not for concurrent writers: one process fills a cache at a time.
/// </summary>
public sealed class CaptionEmbeddingCache
{
    private readonly string path;
    private readonly Dictionary<string, float[]> vectors = new(StringComparer.Ordinal);
    private long validLength;

    /// <summary>Opens (or creates) the cache of <paramref name="encoderName"/> in <paramref name="folder"/>.</summary>
    public CaptionEmbeddingCache(string folder, string encoderName, int dimension)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(encoderName);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Directory.CreateDirectory(folder);
        Dimension = dimension;
        path = Path.Combine(folder, encoderName + ".embeddings");
        if (File.Exists(path)) Read();
    }

    public int Dimension { get; }

    /// <summary>Captions held.</summary>
    public int Count => vectors.Count;

    public string FilePath => path;

    public bool TryGet(string caption, out float[] vector) => vectors.TryGetValue(caption, out vector!);

    /// <summary>
    /// The embedding of every caption, in order: cached ones are read, the rest encoded in batches of
    /// <paramref name="batchSize"/> by the encoders made by <paramref name="encoderFactory"/> (one per thread, at most
    /// <paramref name="threads"/>) and appended to the file as each batch finishes.
    /// </summary>
    public float[][] GetOrEncode(IReadOnlyList<string> captions, Func<ITextEncoder> encoderFactory, int threads = 2, int batchSize = 64,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(captions);
        ArgumentNullException.ThrowIfNull(encoderFactory);
        var missing = captions.Where(c => !vectors.ContainsKey(c)).Distinct(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            var batches = missing.Chunk(batchSize).ToArray();
            int done = 0;
            var writeGate = new Lock();
            using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            stream.SetLength(validLength);
            stream.Seek(validLength, SeekOrigin.Begin);
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            int next = -1;
            var workers = Enumerable.Range(0, Math.Clamp(threads, 1, batches.Length)).Select(_ => Task.Run(() =>
            {
                using var encoder = encoderFactory();
                if (encoder.Dimension != Dimension) throw new InvalidOperationException($"{encoder.Name} gives {encoder.Dimension} values, the cache holds {Dimension}");
                int b;
                while ((b = Interlocked.Increment(ref next)) < batches.Length)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var batch = batches[b];
                    var encoded = encoder.Encode(batch, cancellationToken);
                    lock (writeGate)
                    {
                        for (int j = 0; j < batch.Length; j++)
                        {
                            if (encoded[j].Length != Dimension) throw new InvalidOperationException($"{encoder.Name} returned {encoded[j].Length} values");
                            Write(writer, batch[j], encoded[j]);
                            vectors[batch[j]] = encoded[j];
                        }
                        writer.Flush();
                        validLength = stream.Position;
                        done += batch.Length;
                        progress?.Invoke(done, missing.Length);
                    }
                }
            }, cancellationToken)).ToArray();
            Task.WaitAll(workers, cancellationToken);
        }
        return [.. captions.Select(c => vectors[c])];
    }

    private static void Write(BinaryWriter writer, string caption, float[] vector)
    {
        var bytes = Encoding.UTF8.GetBytes(caption);
        writer.Write(bytes.Length);
        writer.Write(bytes);
        foreach (var v in vector) writer.Write(v);
    }

    private void Read()
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        long length = stream.Length;
        while (true)
        {
            long start = stream.Position;
            if (length - start < 4) break;
            int count = reader.ReadInt32();
            if (count < 0 || count > 1 << 20 || length - stream.Position < count + 4L * Dimension) { stream.Position = start; break; }
            var caption = Encoding.UTF8.GetString(reader.ReadBytes(count));
            var vector = new float[Dimension];
            for (int i = 0; i < Dimension; i++) vector[i] = reader.ReadSingle();
            vectors[caption] = vector;
        }
        validLength = stream.Position;
    }
}
