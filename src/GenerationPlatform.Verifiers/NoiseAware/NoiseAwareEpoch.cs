namespace GenerationPlatform.Verifiers.NoiseAware;

public sealed record NoiseAwareEpoch(int Epoch, int Epochs, double Loss, double HoldoutWithinGroupSpearman, double ImagesPerSecond, TimeSpan Elapsed);
