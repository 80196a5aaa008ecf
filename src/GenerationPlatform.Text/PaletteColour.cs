namespace GenerationPlatform.Text;

/// <summary>
/// A named, fully saturated colour (value 1, saturation 1: one channel 1, one 0), so every shade the colouring makes of
/// it, <c>v * (R, G, B)</c>, keeps its hue and its saturation exactly.
/// </summary>
/// <param name="Name">The word captions and prompts use.</param>
/// <param name="R">Red in [0, 1].</param>
/// <param name="G">Green in [0, 1].</param>
/// <param name="B">Blue in [0, 1].</param>
public sealed record PaletteColour(string Name, float R, float G, float B)
{
    /// <summary>The HSV hue in degrees, [0, 360).</summary>
    public double Hue => FashionMeasurements.HueDegrees(R, G, B);
}
