namespace GenerationPlatform.Contracts;

/// <summary>Where a job stands.</summary>
[GenerateSerializer, Immutable]
public sealed record JobSnapshot(
    [property: Id(0)] string JobId,
    [property: Id(1)] string? TenantId,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] int EventCount,
    [property: Id(4)] int LastRound,
    [property: Id(5)] long SpentNfe,
    [property: Id(6)] long Budget,
    [property: Id(7)] double BestScore,
    [property: Id(8)] DateTimeOffset? AcceptedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] string? Message,
    /// <summary>Where the stored result's result.json is (set once it is stored).</summary>
    [property: Id(11)] string? ResultLocation = null,
    /// <summary>The verifiers' compute spent so far, in NFE-equivalents of the job's model.</summary>
    [property: Id(12)] long SpentVerifierNfe = 0)
{
    public bool IsFinished => Status.IsFinished();
}
