using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Core.Verifiers;

/// <summary>
/// What a verifier scores: a final image in [-1, 1] of the model's <see cref="Shape"/> (channel-major
/// [C, H, W]; null: one square grayscale channel), the requested class (class models) or prompt (text
/// models; the label is then -1 unless the prompt names a class the caller knows), and, for verifiers
/// that need it, the x0-prediction seen at a probe time on the way down. <see cref="Time"/> is 0 for a finished image; an
/// x0-prediction scored for early ranking carries the time it was taken at (t = 1 is noise), which only a verifier that
/// <see cref="IImageVerifier.RanksNoisyInputs"/> reads (it then predicts the finished image's score).
/// </summary>
public sealed record VerifierInput(float[] Image, int Label, float[]? ProbeX0 = null, ImageShape? Shape = null, string? Prompt = null, float Time = 0f);

/// <summary>What a verifier has spent so far.</summary>
public sealed record VerifierCost(long Calls, long Images, TimeSpan WallTime)
{
    public static VerifierCost Zero { get; } = new(0, 0, TimeSpan.Zero);
    public VerifierCost Add(VerifierCost other) => new(Calls + other.Calls, Images + other.Images, WallTime + other.WallTime);
}

/// <summary>
/// Scores images against a condition; higher is better. Scores come back as an array parallel to
/// the inputs of the same call, so a score belongs to the input at its index and nowhere else.
/// </summary>
public interface IImageVerifier
{
    string Name { get; }

    /// <summary>True when <see cref="VerifierInput.ProbeX0"/> must be supplied.</summary>
    bool NeedsProbe => false;

    /// <summary>Scores depend on the rest of the batch (rank ensembles): a batch must never be split or merged with another.</summary>
    bool IsBatchRelative => false;

    /// <summary>
    /// True when inputs with <see cref="VerifierInput.Time"/> above 0 (x0-predictions on the way down) are scored by a
    /// noise-aware head that predicts the finished image's score (SEARCH.md section 3.4); searches send noisy inputs to no
    /// other verifier.
    /// </summary>
    bool RanksNoisyInputs => false;

    /// <summary>
    /// Floating-point operations (2 per multiply-add) to score one image, counted from the network's layer shapes: what
    /// verification costs next to the denoiser's NFE (docs/SCALING.md, "Verifier cost"). 0: not known.
    /// </summary>
    double FlopsPerImage => 0;

    /// <summary>FLOPs to score one x0-prediction (<see cref="VerifierInput.Time"/> above 0) when <see cref="RanksNoisyInputs"/>: its head may cost more than the plain score.</summary>
    double FlopsPerNoisyImage => FlopsPerImage;

    double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default);

    VerifierCost Cost { get; }
}

/// <summary>Counts calls, images and wall time for a verifier; thread-safe.</summary>
public sealed class VerifierCostMeter
{
    private long calls, images, ticks;

    public VerifierCost Snapshot => new(Interlocked.Read(ref calls), Interlocked.Read(ref images), TimeSpan.FromTicks(Interlocked.Read(ref ticks)));

    public T Measure<T>(int count, Func<T> work)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try { return work(); }
        finally
        {
            Interlocked.Increment(ref calls);
            Interlocked.Add(ref images, count);
            Interlocked.Add(ref ticks, System.Diagnostics.Stopwatch.GetElapsedTime(start).Ticks);
        }
    }
}
