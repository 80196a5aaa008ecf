using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>One candidate image with where it came from and how it scored.</summary>
public sealed record Candidate(
    NoiseSeed Seed,
    float[] Image,
    CandidateScores Scores,
    int Round,
    /// <summary>How the candidate was produced, e.g. "noise", "neighbour of r2c1", "path".</summary>
    string Origin);
