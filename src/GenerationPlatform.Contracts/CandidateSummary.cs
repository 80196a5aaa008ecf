namespace GenerationPlatform.Contracts;

/// <summary>A candidate in a progress event: where it came from and how it scored, without its image.</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateSummary(
    [property: Id(0)] CandidateSeed Seed,
    [property: Id(1)] double Score,
    [property: Id(2)] int Round,
    [property: Id(3)] string Origin);
