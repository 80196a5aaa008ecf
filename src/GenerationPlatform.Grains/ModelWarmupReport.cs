namespace GenerationPlatform.Grains;

/// <summary>What the silo's model warm-up did: a line per model (its batch cap and where it came from, or why it was not warmed) and how long it took.</summary>
public sealed record ModelWarmupReport(IReadOnlyList<string> Models, TimeSpan Elapsed);
