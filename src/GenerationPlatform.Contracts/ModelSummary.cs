namespace GenerationPlatform.Contracts;

/// <summary>A served model on the wire: state and image shapes, conditioning, backend, its cost per NFE and its request defaults.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] string Backend,
    [property: Id(3)] ImageDims Shape,
    [property: Id(4)] ImageDims Image,
    /// <summary>Class names of a class model (empty for a text model).</summary>
    [property: Id(5)] string[] Classes,
    /// <summary>The text encoder of a text model (null for a class model).</summary>
    [property: Id(6)] string? TextEncoder,
    [property: Id(7)] int EmbeddingSize,
    /// <summary>FLOPs of one forward pass of one sample (one NFE); 0: not known.</summary>
    [property: Id(8)] double ForwardFlops = 0)
{
    [Id(9)] public string DefaultSampler { get; init; } = "heun";
    [Id(10)] public int DefaultSteps { get; init; } = 10;
    [Id(11)] public float DefaultGuidance { get; init; } = 1.5f;
}
