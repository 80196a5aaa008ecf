namespace GenerationPlatform.Diffusion.Training;

/// <summary>One progress report from a training loop.</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double ImagesPerSecond, TimeSpan Elapsed);
