using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

/// <summary>A running job's reservation: its whole budget and its planned verifier NFE-equivalents, charged when it was admitted.</summary>
[GenerateSerializer]
public sealed record NfeReservation([property: Id(0)] long Nfe, [property: Id(1)] DateTimeOffset At, [property: Id(2)] DateOnly Day,
    [property: Id(3)] long VerifierNfe = 0)
{
    public JobCost Cost => new(Nfe, VerifierNfe);
}
