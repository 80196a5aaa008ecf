using GenerationPlatform.Verifiers.Core;

namespace GenerationPlatform.Search;

/// <summary>
/// A verifier that scores elsewhere (another process, a micro-batching service): the panel awaits it
/// with the whole batch instead of running it on pool threads in chunks. Scores are parallel to the inputs.
/// </summary>
public interface IAsyncImageVerifier : IImageVerifier
{
    /// <summary>Scores depend on the rest of the batch (rank ensembles): the batch is never split or merged.</summary>
    bool IsBatchRelative { get; }

    Task<double[]> ScoreAsync(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken);
}

internal static class BatchRelativity
{
    public static bool IsBatchRelative(IImageVerifier verifier) =>
        verifier is EnsembleVerifier || verifier is IAsyncImageVerifier { IsBatchRelative: true };
}
