namespace GenerationPlatform.Diffusion.Training;

/// <param name="Rank">0: every weight of the projection is tuned; above 0: only a low-rank update B Aᵀ of its first layer's
/// weight (rank <paramref name="Rank"/>, B starting at zero), folded into that weight at the end. A low-rank update must
/// move all synonyms along a few shared directions, which is what lets it carry to words it was not shown.</param>
public sealed record TextProjectionTuningOptions(int Steps = 2_000, int BatchSize = 256, double LearningRate = 1e-3, double AnchorWeight = 1.0, long Seed = 1, int Rank = 0);
