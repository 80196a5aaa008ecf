namespace GenerationPlatform.Contracts;

/// <summary>The answer to an admission request.</summary>
[GenerateSerializer, Immutable]
public sealed record JobAdmission(
    [property: Id(0)] bool Admitted,
    [property: Id(1)] QuotaRejection Rejection,
    [property: Id(2)] string Message)
{
    public static JobAdmission Accept { get; } = new(true, QuotaRejection.None, "admitted");
    public static JobAdmission Reject(QuotaRejection why, string message) => new(false, why, message);
}
