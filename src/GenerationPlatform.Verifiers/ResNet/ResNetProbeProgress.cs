namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>Progress: Stage is "train features", "test features" or "fit".</summary>
public sealed record ResNetProbeProgress(string Stage, int Done, int Total, string Detail);
