namespace GenerationPlatform.Search;

/// <summary>A progress event, emitted after every round, with the checkpoint to resume after it (none on the last report).</summary>
public sealed record SearchProgress(int Round, NfeSplit Nfe, long Budget, double BestScore, IReadOnlyList<Candidate> Best, SearchCheckpoint? Checkpoint = null);
