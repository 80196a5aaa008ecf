namespace GenerationPlatform.Text;

/// <summary>The text encoders a model manifest may name, created by name.</summary>
public static class TextEncoders
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [MiniLmTextEncoder.EncoderName];

    /// <summary>
    /// The named encoder behind a bounded per-prompt cache (<see cref="CachingTextEncoder"/>). Names match exactly
    /// (ordinal): a manifest names the encoder its model was trained with, so a near miss is an error, not a guess.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a known encoder; the message lists the known ones.</exception>
    public static ITextEncoder Create(string name, int cacheCapacity = CachingTextEncoder.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            MiniLmTextEncoder.EncoderName => new CachingTextEncoder(new MiniLmTextEncoder(), cacheCapacity),
            _ => throw new ArgumentException($"unknown text encoder '{name}': known encoders are {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
