namespace GenerationPlatform.Contracts;

/// <summary>The outcome of a completed search.</summary>
[GenerateSerializer, Immutable]
public sealed record JobResult(
    [property: Id(0)] string Algorithm,
    [property: Id(1)] string Verifier,
    [property: Id(2)] JobCandidate[] Top,
    [property: Id(3)] long SearchNfe,
    [property: Id(4)] long FinalNfe,
    [property: Id(5)] long ModelEvaluations,
    [property: Id(6)] long Budget,
    [property: Id(7)] long VerifierCalls,
    [property: Id(8)] long VerifiedImages,
    [property: Id(9)] TimeSpan SearchTime,
    [property: Id(10)] TimeSpan FinalTime,
    [property: Id(11)] TimeSpan VerifierTime,
    [property: Id(12)] int Rounds,
    /// <summary>"completed", "target_reached" or "no_improvement".</summary>
    [property: Id(13)] string StopReason = "completed",
    /// <summary>What the verifiers cost, in NFE of the job's model (their FLOPs over its FLOPs per NFE); null: not known.</summary>
    [property: Id(14)] double? VerifierNfeEquivalents = null)
{
    /// <summary>The same result without its images (the result store holds them).</summary>
    public JobResult WithoutImages() => this with { Top = Top.Select(c => c with { Image = [] }).ToArray() };
}
