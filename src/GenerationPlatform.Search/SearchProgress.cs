namespace GenerationPlatform.Search;

/// <summary>A progress event, emitted after every round, with the checkpoint to resume after it (none on the last report).</summary>
/// <param name="VerifierFlops">FLOPs the verifiers spent in this run so far; null when a verifier's cost is not known.</param>
public sealed record SearchProgress(int Round, NfeSplit Nfe, long Budget, double BestScore, IReadOnlyList<Candidate> Best, SearchCheckpoint? Checkpoint = null,
    double? VerifierFlops = null);
