namespace GenerationPlatform.Contracts;

/// <summary>
/// Admission and usage accounting for one tenant. Key: the tenant id. NFE is reserved at admission
/// (the whole budget), settled to what was spent when the job completes, released when it fails or
/// is cancelled (keeping only what was spent).
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    Task<JobAdmission> AdmitAsync(string jobId, long budgetNfe, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a job of this budget would be admitted now (reserving nothing): the cheap check a job makes before it
    /// resolves its model and verifiers, so a tenant over its quota costs neither. A refusal writes nothing.
    /// </summary>
    Task<JobAdmission> CheckAsync(long budgetNfe, CancellationToken cancellationToken = default);

    Task SettleAsync(string jobId, long spentNfe, CancellationToken cancellationToken = default);

    Task ReleaseAsync(string jobId, long spentNfe, CancellationToken cancellationToken = default);

    Task<TenantUsage> GetUsageAsync(CancellationToken cancellationToken = default);
}
