namespace GenerationPlatform.Contracts;

/// <summary>A trajectory segment to denoise: the wire form of a TrajectorySpec.</summary>
[GenerateSerializer, Immutable]
public sealed record DenoiseSegment(
    [property: Id(0)] CandidateSeed Seed,
    [property: Id(1)] int Label,
    [property: Id(2)] float Guidance,
    [property: Id(3)] Sampler Sampler,
    [property: Id(4)] int Steps,
    [property: Id(5)] float TFrom,
    [property: Id(6)] float TTo,
    [property: Id(7)] float Eta,
    [property: Id(8)] float[]? X0Times,
    [property: Id(9)] float[]? InitialState,
    [property: Id(10)] int StepOffset,
    /// <summary>The prompt embedding of a text model's trajectory (null: a class label, or the unconditional branch).</summary>
    [property: Id(11)] float[]? Embedding = null);
