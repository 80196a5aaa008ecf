namespace GenerationPlatform.Grains;

/// <summary>NFE and verifier NFE-equivalents charged to a tenant at one time, for the per-minute window.</summary>
[GenerateSerializer]
public sealed record NfeCharge([property: Id(0)] DateTimeOffset At, [property: Id(1)] string JobId, [property: Id(2)] long Nfe, [property: Id(3)] long VerifierNfe = 0)
{
    public long Total => Nfe + VerifierNfe;
}
