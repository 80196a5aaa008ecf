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

/// <summary>Which quota turned a request away.</summary>
[GenerateSerializer]
public enum QuotaRejection
{
    None = 0,
    ConcurrentJobs = 1,
    NfePerMinute = 2,
    NfePerDay = 3,
    BudgetPerRequest = 4,
    /// <summary>Not a quota: the request itself is unusable (unknown algorithm, bad field, job id taken).</summary>
    InvalidRequest = 5,
    /// <summary>Not a quota: no model of that name is served.</summary>
    UnknownModel = 6,
    /// <summary>Not a quota: no verifier of that name is served.</summary>
    UnknownVerifier = 7,
    /// <summary>Not a quota: the cluster cannot take the job right now (no denoiser silo up, a call timed out); a retry may succeed.</summary>
    Unavailable = 8,
}

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

/// <summary>A tenant's usage against its quota.</summary>
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
    [property: Id(10)] TenantQuota Quota);

/// <summary>
/// Admission and usage accounting for one tenant. Key: the tenant id. NFE is reserved at admission
/// (the whole budget), settled to what was spent when the job completes, released when it fails or
/// is cancelled (keeping only what was spent).
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    Task<JobAdmission> AdmitAsync(string jobId, long budgetNfe, CancellationToken cancellationToken = default);

    Task SettleAsync(string jobId, long spentNfe, CancellationToken cancellationToken = default);

    Task ReleaseAsync(string jobId, long spentNfe, CancellationToken cancellationToken = default);

    Task<TenantUsage> GetUsageAsync(CancellationToken cancellationToken = default);
}
