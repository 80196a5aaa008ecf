namespace GenerationPlatform.Contracts;

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
