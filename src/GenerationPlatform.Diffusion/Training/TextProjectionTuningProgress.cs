namespace GenerationPlatform.Diffusion.Training;

public sealed record TextProjectionTuningProgress(int Step, int Steps, double PairLoss, double AnchorLoss, TimeSpan Elapsed);
