namespace GenerationPlatform.Contracts;

/// <summary>
/// What a job may cost (its reservation) or spent: the denoiser's NFE and its verifiers' compute in NFE-equivalents
/// (their FLOPs over the model's FLOPs per NFE, rounded up). Quotas of NFE per minute and per day count both.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobCost([property: Id(0)] long Nfe, [property: Id(1)] long VerifierNfe)
{
    public static JobCost Zero { get; } = new(0, 0);

    /// <summary>Both together: what quotas of NFE per minute and per day are charged.</summary>
    public long Total => checked(Nfe + VerifierNfe);

    /// <summary>This cost, each part between 0 and <paramref name="most"/>'s (what a job spent never exceeds what it reserved).</summary>
    public JobCost AtMost(JobCost most) => new(Math.Clamp(Nfe, 0, most.Nfe), Math.Clamp(VerifierNfe, 0, most.VerifierNfe));
}
