namespace GenerationPlatform.Contracts;

/// <summary>A candidate image with its seed and scores (primary, and every verifier by name).</summary>
[GenerateSerializer, Immutable]
public sealed record JobCandidate(
    [property: Id(0)] CandidateSeed Seed,
    [property: Id(1)] float[] Image,
    [property: Id(2)] double Score,
    [property: Id(3)] Dictionary<string, double> ScoresByVerifier,
    [property: Id(4)] int Round,
    [property: Id(5)] string Origin);
