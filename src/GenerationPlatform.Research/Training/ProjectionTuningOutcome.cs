using GenerationPlatform.Diffusion.Training;

namespace GenerationPlatform.Research.Training;

/// <summary>How far the tuned and the held-out synonyms were from their teachers before and after, and how far the training captions moved.</summary>
internal sealed record ProjectionTuningOutcome(ProjectionGap Tuned, ProjectionGap HeldOut, double AnchorDrift);
