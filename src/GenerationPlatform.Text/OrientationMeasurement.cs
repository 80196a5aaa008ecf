namespace GenerationPlatform.Text;

/// <summary>The result of <see cref="FashionMeasurements.MeasureOrientation"/>.</summary>
/// <param name="Orientation">Left or right (see <see cref="Orientations"/>), or null when the profiles differ by at most the margin.</param>
/// <param name="Difference">Mean top row of the left third minus that of the right third, in pixels (positive: the left end is lower).</param>
public sealed record OrientationMeasurement(string? Orientation, double Difference);
