namespace GenerationPlatform.Core.Verifiers;

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

    /// <summary>
    /// FLOPs to score one x0-prediction (<see cref="VerifierInput.Time"/> above 0) when <see cref="RanksNoisyInputs"/>: its
    /// head may cost more than the plain score.
    /// </summary>
    double FlopsPerNoisyImage => FlopsPerImage;

    double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default);

    VerifierCost Cost { get; }
}
