namespace GenerationPlatform.Contracts;

/// <summary>What a verifier activation has done: submissions, images, and the verifier calls (flushes) they took.</summary>
[GenerateSerializer, Immutable]
public sealed record VerifierBatchStats(
    [property: Id(0)] long Submissions,
    [property: Id(1)] long Images,
    [property: Id(2)] long Flushes)
{
    public double MeanImagesPerFlush => Flushes == 0 ? 0 : Images / (double)Flushes;
}
