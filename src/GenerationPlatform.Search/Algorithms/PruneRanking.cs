namespace GenerationPlatform.Search.Algorithms;

/// <summary>What ranks candidates at a pruning point.</summary>
public enum PruneRanking
{
    /// <summary>The verifier scores the x0-prediction as if it were a finished image.</summary>
    X0Prediction,
    /// <summary>The verifier's noise-aware head predicts the finished image's score from the x0-prediction and its time.</summary>
    NoiseAware,
}
