namespace GenerationPlatform.Contracts;

/// <summary>A tenant's limits. Bound from configuration, so properties are settable.</summary>
[GenerateSerializer]
public sealed record TenantQuota
{
    [Id(0)] public int MaxConcurrentJobs { get; init; } = 4;
    [Id(1)] public long NfePerMinute { get; init; } = 100_000;
    [Id(2)] public long NfePerDay { get; init; } = 10_000_000;
    [Id(3)] public long MaxBudgetPerRequest { get; init; } = 10_000;
    /// <summary>The tenant's share of denoiser batches relative to other tenants with work waiting (positive).</summary>
    [Id(4)] public double Weight { get; init; } = 1;
}
