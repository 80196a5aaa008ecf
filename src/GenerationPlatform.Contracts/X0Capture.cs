namespace GenerationPlatform.Contracts;

/// <summary>An x0-prediction captured on the way down.</summary>
[GenerateSerializer]
public sealed record X0Capture(
    [property: Id(0)] float RequestedTime,
    [property: Id(1)] float Time,
    [property: Id(2)] float[] Image);
