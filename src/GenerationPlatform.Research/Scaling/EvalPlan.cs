using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.Scaling;

/// <summary>What eval measures: the curves, their points' settings, the evaluation classifier and data, and FD with ResNet-18 features (null: none).</summary>
internal sealed record EvalPlan(ScalingSeries[] Curves, ScalingSettings Scaling, string? EvalClassifier, string? Data, int? FdResNetImages, string FdCache);
