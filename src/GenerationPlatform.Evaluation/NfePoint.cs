namespace GenerationPlatform.Evaluation;

/// <summary>One point of a scaling line: mean NFE, the value and its interval (NaN bounds when there is none).</summary>
internal readonly record struct NfePoint(double Nfe, double Value, double Lo, double Hi);
