namespace GenerationPlatform.Text;

/// <summary>The result of <see cref="FashionMeasurements.MeasureSurface"/>.</summary>
/// <param name="Surface">Plain, patterned, or null (middle tertile, or too little item to measure).</param>
/// <param name="Energy">The mean squared Laplacian over the item's inner pixels, or NaN when there are too few of them.</param>
public sealed record SurfaceMeasurement(string? Surface, double Energy);
