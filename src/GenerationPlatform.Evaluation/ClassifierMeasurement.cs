namespace GenerationPlatform.Evaluation;

/// <summary>What one classifier measures of a generated set, and per image its prediction and p(requested class).</summary>
public sealed record ClassifierMeasurement(double Fid, double InceptionScore, double Precision, double Recall, double ConditionalAccuracy,
    int[] Predicted, double[] RequestedProbability);
