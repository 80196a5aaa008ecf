namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>
/// Options for <see cref="ResNetProbeTrainer"/>. The default subset sizes fit the feature extraction
/// into about 20 minutes on two shared CPU cores (ResNet-18 at 224x224 ran at about 22 images/s there
/// at batch 16; all 70 000 Fashion-MNIST images would take close to an hour).
/// </summary>
/// <param name="TrainImages">Class-balanced subset of the 60 000 training images (all of them when at least 60 000).</param>
/// <param name="TestImages">Class-balanced subset of the 10 000 test images (all of them when at least 10 000).</param>
/// <param name="Epochs">Passes of AdamW over the extracted training features.</param>
public sealed record ResNetProbeOptions(
    int TrainImages = 20_000, int TestImages = 5_000, int Epochs = 100, int BatchSize = 256,
    double LearningRate = 3e-3, double WeightDecay = 1e-2, long Seed = 1, int FeatureBatch = 16);
