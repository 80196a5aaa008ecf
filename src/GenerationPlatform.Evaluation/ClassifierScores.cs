namespace GenerationPlatform.Evaluation;

/// <summary>FID against the test set and conditional accuracy of one generated set, as one classifier measures them.</summary>
public sealed record ClassifierScores(string Classifier, double Fid, double ConditionalAccuracy, double[] PerClassAccuracy);
