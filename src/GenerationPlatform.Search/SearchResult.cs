namespace GenerationPlatform.Search;

public sealed record SearchResult(
    string Algorithm,
    string Verifier,
    IReadOnlyList<Candidate> Top,
    IReadOnlyList<Candidate> AllScored,
    NfeSplit Nfe,
    long Budget,
    long VerifierCalls,
    long VerifiedImages,
    TimeSpan SearchTime,
    TimeSpan FinalTime,
    TimeSpan VerifierTime,
    int Rounds,
    StopReason StopReason = StopReason.Completed,
    /// <summary>FLOPs the verifiers spent (null when a verifier's cost is not known): divide by the model's forward FLOPs for NFE-equivalents.</summary>
    double? VerifierFlops = null);
