namespace GenerationPlatform.Verifiers.Text;

public sealed record TextAlignTrainingOptions
{
    public int Width { get; init; } = 32;
    public int Epochs { get; init; } = 4;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    public long Seed { get; init; } = 1;

    /// <summary>Each training image gets Gaussian noise of a standard deviation drawn from U(0, this), so generated images a little off the data score sensibly.</summary>
    public double MaxNoise { get; init; } = 0.1;

    /// <summary>Stop after this much training time; null: no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }
}
