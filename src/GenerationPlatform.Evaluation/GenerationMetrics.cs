namespace GenerationPlatform.Evaluation;

/// <summary>One generated set's scores, by classifier in the order asked (the evaluation classifier first).</summary>
public sealed record GenerationMetrics(GenerationSettings Settings, IReadOnlyList<ClassifierScores> ByClassifier, long Nfe, TimeSpan SamplingTime);
