namespace GenerationPlatform.Contracts;

/// <summary>
/// Admission and usage accounting for one tenant. Key: the tenant id. A job's cost (<see cref="JobCost"/>: denoiser NFE
/// and verifier NFE-equivalents) is reserved at admission (its whole budget and its planned verification), settled to what
/// was spent when the job completes, released when it fails or is cancelled (keeping only what was spent).
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    Task<JobAdmission> AdmitAsync(string jobId, JobCost planned, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a job of this cost would be admitted now (reserving nothing): the cheap check a job makes before it
    /// resolves its model and verifiers, so a tenant over its quota costs neither. A refusal writes nothing.
    /// </summary>
    Task<JobAdmission> CheckAsync(JobCost planned, CancellationToken cancellationToken = default);

    Task SettleAsync(string jobId, JobCost spent, CancellationToken cancellationToken = default);

    Task ReleaseAsync(string jobId, JobCost spent, CancellationToken cancellationToken = default);

    Task<TenantUsage> GetUsageAsync(CancellationToken cancellationToken = default);
}
