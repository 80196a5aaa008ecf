namespace GenerationPlatform.Verifiers.Text;

/// <summary>One progress report of <see cref="TextAlignTrainer"/>: mean loss and in-batch retrieval accuracy since the last.</summary>
public sealed record TextAlignProgress(long Step, long TotalSteps, double Loss, double Accuracy, TimeSpan Elapsed);
