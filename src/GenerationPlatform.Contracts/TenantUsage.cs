namespace GenerationPlatform.Contracts;

/// <summary>A tenant's usage against its quota: denoiser NFE and verifier NFE-equivalents, each apart.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantUsage(
    [property: Id(0)] string TenantId,
    [property: Id(1)] int ActiveJobs,
    [property: Id(2)] long ReservedNfe,
    [property: Id(3)] long NfeLastMinute,
    [property: Id(4)] long NfeToday,
    [property: Id(5)] long SettledNfeTotal,
    [property: Id(6)] long JobsAdmitted,
    [property: Id(7)] long JobsRejected,
    [property: Id(8)] long JobsSettled,
    [property: Id(9)] long JobsReleased,
    [property: Id(10)] TenantQuota Quota,
    [property: Id(11)] long ReservedVerifierNfe = 0,
    [property: Id(12)] long VerifierNfeLastMinute = 0,
    [property: Id(13)] long VerifierNfeToday = 0,
    [property: Id(14)] long SettledVerifierNfeTotal = 0)
{
    /// <summary>What the quota of NFE per minute is charged: denoiser NFE and verifier NFE-equivalents.</summary>
    public long ChargedLastMinute => NfeLastMinute + VerifierNfeLastMinute;

    /// <summary>What the quota of NFE per day is charged.</summary>
    public long ChargedToday => NfeToday + VerifierNfeToday;
}
