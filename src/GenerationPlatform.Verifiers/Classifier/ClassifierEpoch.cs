namespace GenerationPlatform.Verifiers.Classifier;

public sealed record ClassifierEpoch(int Epoch, int Epochs, double Loss, double TestAccuracy, double ImagesPerSecond, TimeSpan Elapsed);
