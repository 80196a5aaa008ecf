namespace GenerationPlatform.Text;

/// <summary>
/// Turns prompts into fixed-size embeddings. The model manifest names the encoder (<see cref="Name"/>), so a text model
/// is always paired with the encoder it was trained against. Implementations are thread-safe; the result has one vector
/// per prompt, in the prompts' order, each of length <see cref="Dimension"/>.
/// </summary>
public interface ITextEncoder : IDisposable
{
    /// <summary>The encoder's registry name (see <see cref="TextEncoders"/>).</summary>
    string Name { get; }

    /// <summary>The length of every embedding.</summary>
    int Dimension { get; }

    /// <summary>One embedding per prompt, in order; an empty list gives an empty result.</summary>
    float[][] Encode(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default);
}
