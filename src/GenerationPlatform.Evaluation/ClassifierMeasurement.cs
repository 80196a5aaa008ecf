namespace GenerationPlatform.Evaluation;

/// <summary>
/// What one classifier measures of a generated set, and per image its prediction and p(requested class);
/// <paramref name="WithinClassDistance"/> is the set's diversity in the classifier's features (<see cref="Evaluation.WithinClassDistance"/>).
/// </summary>
public sealed record ClassifierMeasurement(double Fid, double InceptionScore, double Precision, double Recall, double ConditionalAccuracy,
    int[] Predicted, double[] RequestedProbability, double WithinClassDistance = double.NaN);
