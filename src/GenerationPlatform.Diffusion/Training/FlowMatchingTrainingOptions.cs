using GenerationPlatform.Diffusion.Model;

namespace GenerationPlatform.Diffusion.Training;

public sealed record FlowMatchingTrainingOptions
{
    public int Epochs { get; init; } = 12;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 1e-3;
    public int WarmupSteps { get; init; } = 500;
    public double EmaDecay { get; init; } = 0.999;
    /// <summary>
    /// Probability of replacing the condition by the null condition (classifier-free guidance training): the null label
    /// for class models, the zero embedding for text models (caption dropout).
    /// </summary>
    public double LabelDropout { get; init; } = 0.1;
    /// <summary>Stop (with a checkpoint) once this much training time has accumulated over all runs; null: no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }
    public long Seed { get; init; } = 1;
    public int CheckpointEverySteps { get; init; } = 1000;
    public int ProgressEverySteps { get; init; } = 20;
    public UNetConfig Model { get; init; } = UNetConfig.Default;
}
