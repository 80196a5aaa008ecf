namespace GenerationPlatform.Evaluation;

/// <summary>A measured point with its per-image records.</summary>
public sealed record ScalingRun(ScalingPoint Point, IReadOnlyList<ImageRecord> Images);
