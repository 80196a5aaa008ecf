namespace GenerationPlatform.Contracts;

/// <summary>One candidate's randomness: (request seed, search round, candidate index).</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateSeed(
    [property: Id(0)] ulong Seed,
    [property: Id(1)] uint Round,
    [property: Id(2)] uint Candidate);
