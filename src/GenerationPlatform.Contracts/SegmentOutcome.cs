namespace GenerationPlatform.Contracts;

/// <summary>The end of one denoised segment.</summary>
[GenerateSerializer]
public sealed record SegmentOutcome(
    [property: Id(0)] float[] State,
    [property: Id(1)] float Time,
    [property: Id(2)] X0Capture[] X0Predictions,
    [property: Id(3)] int Nfe,
    [property: Id(4)] int ModelEvaluations);
