namespace GenerationPlatform.Contracts;

/// <summary>What the caller needs to know about a verifier before sending it images.</summary>
[GenerateSerializer, Immutable]
public sealed record VerifierTraits(
    [property: Id(0)] string Name,
    [property: Id(1)] bool NeedsProbe,
    [property: Id(2)] bool IsBatchRelative,
    /// <summary>FLOPs to score one image; 0: not known.</summary>
    [property: Id(3)] double FlopsPerImage = 0,
    /// <summary>Scores x0-predictions (ImageToScore.Time above 0) with a noise-aware head.</summary>
    [property: Id(4)] bool RanksNoisyInputs = false,
    /// <summary>FLOPs to score one x0-prediction with the noise-aware head; 0: as FlopsPerImage.</summary>
    [property: Id(5)] double FlopsPerNoisyImage = 0);
