namespace GenerationPlatform.Contracts;

/// <summary>The shape of an image on the wire: channels, height, width (values channel-major).</summary>
[GenerateSerializer, Immutable]
public sealed record ImageDims(
    [property: Id(0)] int Channels,
    [property: Id(1)] int Height,
    [property: Id(2)] int Width);

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

/// <summary>What a verifier activation has done: submissions, images, and the verifier calls (flushes) they took.</summary>
[GenerateSerializer, Immutable]
public sealed record VerifierBatchStats(
    [property: Id(0)] long Submissions,
    [property: Id(1)] long Images,
    [property: Id(2)] long Flushes)
{
    public double MeanImagesPerFlush => Flushes == 0 ? 0 : Images / (double)Flushes;
}

/// <summary>What the caller needs to know about a verifier before sending it images.</summary>
[GenerateSerializer, Immutable]
public sealed record VerifierTraits(
    [property: Id(0)] string Name,
    [property: Id(1)] bool NeedsProbe,
    [property: Id(2)] bool IsBatchRelative,
    /// <summary>FLOPs to score one image; 0: not known.</summary>
    [property: Id(3)] double FlopsPerImage = 0,
    /// <summary>Scores x0-predictions (ImageToScore.Time above 0) with a noise-aware head.</summary>
    [property: Id(4)] bool RanksNoisyInputs = false,
    /// <summary>FLOPs to score one x0-prediction with the noise-aware head; 0: as FlopsPerImage.</summary>
    [property: Id(5)] double FlopsPerNoisyImage = 0);

/// <summary>
/// A max-size-or-max-delay micro-batcher in front of one verifier. Key: the verifier name. Scores
/// come back to the caller that submitted the images, index for index. Owners (tenants) share every
/// batch by weight; a large submission is scored in chunks between other owners' work.
/// </summary>
public interface IVerifierGrain : IGrainWithStringKey
{
    /// <summary>
    /// Scores <paramref name="images"/> for <paramref name="owner"/>. The timeout is long because a call waits
    /// its fair turn; callers bound it with their own cancellation (a job's cancel or deadline).
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task<double[]> ScoreAsync(ImageToScore[] images, string owner, CancellationToken cancellationToken = default);

    Task<VerifierTraits> GetTraitsAsync(CancellationToken cancellationToken = default);

    Task<VerifierBatchStats> GetStatsAsync(CancellationToken cancellationToken = default);
}
