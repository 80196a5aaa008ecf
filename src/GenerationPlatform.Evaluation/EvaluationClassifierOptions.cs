namespace GenerationPlatform.Evaluation;

/// <param name="Seed">Another seed than the verifiers' CNN (trained with seed 1).</param>
public sealed record EvaluationClassifierOptions(int Epochs = 8, int BatchSize = 128, double LearningRate = 3e-3, long Seed = 20260513);
