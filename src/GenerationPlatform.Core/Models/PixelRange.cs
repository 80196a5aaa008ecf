namespace GenerationPlatform.Core.Models;

/// <summary>The value range a model's images use. The platform's own pixels (verifiers, PNGs) are in [-1, 1].</summary>
public enum PixelRange
{
    /// <summary>[-1, 1]: the platform's convention; no conversion.</summary>
    MinusOneToOne,
    /// <summary>[0, 1]: the final image (the decoder's output for latent models) is mapped to [-1, 1] by 2x - 1.</summary>
    ZeroToOne,
}
