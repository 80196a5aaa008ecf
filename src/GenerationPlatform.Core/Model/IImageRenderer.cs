namespace GenerationPlatform.Core.Model;

/// <summary>
/// Turns a model's final states into the images verifiers and users see: decoded by the model's decoder for
/// latent models, mapped from the model's value range to [-1, 1]. Pixel models in [-1, 1] need none.
/// </summary>
public interface IImageRenderer
{
    /// <summary>The shape of the rendered images.</summary>
    ImageShape ImageShape { get; }

    /// <summary>Flat pixels [count * ImageShape.Size] for flat states [count * state size].</summary>
    float[] Render(ReadOnlySpan<float> states, int count);
}
