using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search;

/// <summary>
/// What a <see cref="VerifierPanel"/> scores with: a verifier in this process (<see cref="LocalScorer"/>)
/// or one served elsewhere (another process, a micro-batching grain). Scores are parallel to the inputs.
/// </summary>
public interface IBatchScorer
{
    string Name { get; }

    /// <summary>True when <see cref="VerifierInput.ProbeX0"/> must be supplied.</summary>
    bool NeedsProbe { get; }

    /// <summary>Scores depend on the rest of the batch (rank ensembles): the batch is never split or merged.</summary>
    bool IsBatchRelative { get; }

    VerifierCost Cost { get; }

    /// <summary>FLOPs to score one image (<see cref="IImageVerifier.FlopsPerImage"/>); 0: not known.</summary>
    double FlopsPerImage => 0;

    /// <summary>FLOPs to score one x0-prediction (<see cref="IImageVerifier.FlopsPerNoisyImage"/>); 0: not known.</summary>
    double FlopsPerNoisyImage => FlopsPerImage;

    /// <summary>Scores x0-predictions (<see cref="VerifierInput.Time"/> above 0) with a noise-aware head (<see cref="IImageVerifier.RanksNoisyInputs"/>).</summary>
    bool RanksNoisyInputs => false;

    Task<double[]> ScoreAsync(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken);
}
