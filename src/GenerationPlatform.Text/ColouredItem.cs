namespace GenerationPlatform.Text;

/// <summary>One training image after <see cref="ColourFashion.Colourise(ReadOnlySpan{float}, int, int)"/>.</summary>
/// <param name="Index">The image's index in the training split (what the assignment is drawn from).</param>
/// <param name="Class">Its Fashion-MNIST label.</param>
/// <param name="Rgb">3x28x28, channel-major [C, H, W], in [-1, 1]; black background.</param>
/// <param name="Colour">The palette colour assigned to it.</param>
/// <param name="Flipped">Whether it was mirrored left-right (footwear only, half of them).</param>
/// <param name="Orientation">The side the toe points to, for footwear where the recipe and the measurement agree; else null.</param>
/// <param name="Surface">Plain or patterned where the per-class tertiles say so confidently; else null.</param>
public sealed record ColouredItem(int Index, int Class, float[] Rgb, string Colour, bool Flipped, string? Orientation, string? Surface)
{
    /// <summary>Everything a caption may mention about this image.</summary>
    public ImageProperties Properties => new(Class, Colour, Orientation, Surface);
}
