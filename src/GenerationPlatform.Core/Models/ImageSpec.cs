using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Core.Models;

/// <summary>A model's images: shape (channels 1 or 3) and value range.</summary>
public sealed record ImageSpec(ImageShape Shape, PixelRange Range);
