namespace GenerationPlatform.Serving;

/// <summary>A batch cap read back from <see cref="RememberedBatchCaps"/>: current when measured on the same model files, else only the last known cap.</summary>
public sealed record RememberedCap(int Cap, bool Current, DateTimeOffset MeasuredAt);
