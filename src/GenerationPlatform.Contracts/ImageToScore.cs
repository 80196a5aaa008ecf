namespace GenerationPlatform.Contracts;

/// <summary>
/// One image to score: the image in [-1, 1] of <see cref="Shape"/> (channel-major; null: square grayscale), the
/// requested class (or -1 for a prompt), an optional probe x0, and the prompt of a text model.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ImageToScore(
    [property: Id(0)] float[] Image,
    [property: Id(1)] int Label,
    [property: Id(2)] float[]? ProbeX0 = null,
    [property: Id(3)] ImageDims? Shape = null,
    [property: Id(4)] string? Prompt = null,
    /// <summary>0: a finished image; above 0: an x0-prediction taken at that time, for a verifier that ranks noisy inputs.</summary>
    [property: Id(5)] float Time = 0f);
