namespace GenerationPlatform.Search;

/// <summary>Scores of one image: the verifier the search optimizes, and every verifier by name.</summary>
public sealed record CandidateScores(double Primary, IReadOnlyDictionary<string, double> ByVerifier);
