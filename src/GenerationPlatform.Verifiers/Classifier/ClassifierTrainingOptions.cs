namespace GenerationPlatform.Verifiers.Classifier;

public sealed record ClassifierTrainingOptions(int Epochs = 10, int BatchSize = 128, double LearningRate = 2e-3, long Seed = 1);
