using GenerationPlatform.Text;

namespace GenerationPlatform.Grains;

/// <summary>
/// The silo's text encoders (GenerationPlatform.Text), created on first use by the name a model's manifest gives,
/// each with a bounded cache of embeddings per prompt, so a prompt repeated across jobs is encoded once.
/// </summary>
public sealed class TextPromptEncoders : IPromptEncoderProvider, IDisposable
{
    private readonly Dictionary<string, Encoder> encoders = new(StringComparer.Ordinal);

    public IPromptEncoder Get(string encoder)
    {
        lock (encoders)
        {
            if (encoders.TryGetValue(encoder, out var known)) return known;
            ITextEncoder created;
            try { created = TextEncoders.Create(encoder); }
            catch (Exception e) when (e is ArgumentException or TextEncoderUnavailableException)
            {
                throw new UnknownModelException($"the model's text encoder '{encoder}' is not available on this silo: {e.Message}");
            }
            return encoders[encoder] = new Encoder(created);
        }
    }

    public void Dispose()
    {
        lock (encoders)
            foreach (var e in encoders.Values) e.Inner.Dispose();
    }

    private sealed class Encoder(ITextEncoder inner) : IPromptEncoder
    {
        public ITextEncoder Inner => inner;

        public float[] Encode(string prompt, int size, CancellationToken cancellationToken)
        {
            var embedding = inner.Encode([prompt], cancellationToken)[0];
            return embedding.Length == size ? embedding
                : throw new InvalidOperationException($"text encoder '{inner.Name}' gives {embedding.Length}-d embeddings; the model takes {size}");
        }
    }
}
