namespace GenerationPlatform.Verifiers.NoiseAware;

/// <param name="GroupSize">examples per ranking group: one class at one time (a tenth of the time axis), as the candidates of one request are.</param>
/// <param name="CalibrationWeight">weight of the binary cross-entropy against the final score next to the ranking loss.</param>
public sealed record NoiseAwareTrainingOptions(int Epochs = 8, int BatchSize = 256, double LearningRate = 1e-3, long Seed = 1, int GroupSize = 32, double CalibrationWeight = 0.2);
