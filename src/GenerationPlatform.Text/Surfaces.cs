namespace GenerationPlatform.Text;

/// <summary>The surface of an item, from high-frequency energy inside it (see <see cref="FashionMeasurements.MeasureSurface"/>).</summary>
public static class Surfaces
{
    public const string Plain = "plain";
    public const string Patterned = "patterned";
}
