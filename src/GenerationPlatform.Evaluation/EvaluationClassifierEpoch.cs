namespace GenerationPlatform.Evaluation;

public sealed record EvaluationClassifierEpoch(int Epoch, int Epochs, double Loss, double ImagesPerSecond, TimeSpan Elapsed);
