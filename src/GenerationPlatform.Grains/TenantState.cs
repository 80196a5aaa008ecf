namespace GenerationPlatform.Grains;

/// <summary>A tenant's usage: running jobs, recent charges, today's totals and lifetime counters (denoiser NFE and verifier NFE-equivalents apart).</summary>
[GenerateSerializer]
public sealed record TenantState
{
    [Id(0)] public Dictionary<string, NfeReservation> Active { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public List<NfeCharge> RecentCharges { get; set; } = [];
    [Id(2)] public DateOnly Day { get; set; }
    [Id(3)] public long NfeToday { get; set; }
    [Id(4)] public long SettledNfeTotal { get; set; }
    [Id(5)] public long JobsAdmitted { get; set; }
    [Id(6)] public long JobsRejected { get; set; }
    [Id(7)] public long JobsSettled { get; set; }
    [Id(8)] public long JobsReleased { get; set; }
    [Id(9)] public long VerifierNfeToday { get; set; }
    [Id(10)] public long SettledVerifierNfeTotal { get; set; }
}
