namespace GenerationPlatform.Contracts;

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
