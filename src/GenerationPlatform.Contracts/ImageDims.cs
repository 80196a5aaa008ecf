namespace GenerationPlatform.Contracts;

/// <summary>The shape of an image on the wire: channels, height, width (values channel-major).</summary>
[GenerateSerializer, Immutable]
public sealed record ImageDims(
    [property: Id(0)] int Channels,
    [property: Id(1)] int Height,
    [property: Id(2)] int Width);
