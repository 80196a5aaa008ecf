namespace GenerationPlatform.Text;

/// <summary>The result of <see cref="FashionMeasurements.MeasureColour"/>.</summary>
/// <param name="Colour">The nearest palette colour's name, or null when the item has no measurable colour.</param>
/// <param name="Confidence">In [0, 1]: 1 for one palette hue everywhere; below <see cref="FashionMeasurements.MinColourConfidence"/> is not confident.</param>
/// <param name="Hue">The mean hue in degrees [0, 360), or NaN.</param>
/// <param name="Saturation">The mean saturation over item pixels, [0, 1].</param>
public sealed record ColourMeasurement(string? Colour, double Confidence, double Hue, double Saturation)
{
    /// <summary>A colour was found with at least the minimum confidence.</summary>
    public bool IsConfident => Colour is not null && Confidence >= FashionMeasurements.MinColourConfidence;
}
