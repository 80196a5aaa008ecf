using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

internal static partial class GrainLog
{
    [LoggerMessage(1, LogLevel.Information, "Denoiser for model {Model} active: max batch {MaxBatch}, max wait {MaxWaitMs} ms")]
    public static partial void DenoiserActivated(ILogger logger, string model, int maxBatch, double maxWaitMs);

    [LoggerMessage(2, LogLevel.Debug, "Verifier {Verifier} flushed {Images} images from {Submissions} submissions")]
    public static partial void VerifierFlushed(ILogger logger, string verifier, int images, int submissions);

    [LoggerMessage(3, LogLevel.Warning, "Verifier {Verifier} failed a flush of {Images} images")]
    public static partial void VerifierFlushFailed(ILogger logger, Exception exception, string verifier, int images);

    [LoggerMessage(4, LogLevel.Information, "Job {JobId} of tenant {TenantId} started: {Algorithm}, budget {Budget} NFE")]
    public static partial void JobStarted(ILogger logger, string jobId, string tenantId, string algorithm, long budget);

    [LoggerMessage(5, LogLevel.Information, "Job {JobId} ended {Status} after {Nfe} NFE")]
    public static partial void JobEnded(ILogger logger, string jobId, Contracts.JobStatus status, long nfe);

    [LoggerMessage(6, LogLevel.Warning, "Job {JobId} failed")]
    public static partial void JobFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(7, LogLevel.Information, "Tenant {TenantId} rejected job {JobId}: {Rejection}")]
    public static partial void JobRejected(ILogger logger, string tenantId, string jobId, Contracts.QuotaRejection rejection);

    [LoggerMessage(8, LogLevel.Warning, "Job {JobId} could not settle its usage with tenant {TenantId}")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string jobId, string tenantId);

    [LoggerMessage(9, LogLevel.Warning, "Job {JobId} could not persist its state")]
    public static partial void StateWriteFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(10, LogLevel.Information, "Job {JobId} resumed after round {Round} ({Resumptions} resumptions)")]
    public static partial void JobResumed(ILogger logger, string jobId, int round, int resumptions);

    [LoggerMessage(11, LogLevel.Information, "Job {JobId} suspended after round {Round}: its activation is going away; the next one resumes it")]
    public static partial void JobSuspended(ILogger logger, string jobId, int round);

    [LoggerMessage(12, LogLevel.Error, "Job {JobId} could not register or unregister its resume reminder; it will not resume by itself if its silo stops")]
    public static partial void ReminderFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(13, LogLevel.Error, "Job {JobId} is failed instead of resumed: its silo stopped {Resumptions} times while it ran")]
    public static partial void JobPoisoned(ILogger logger, string jobId, int resumptions);

    [LoggerMessage(14, LogLevel.Warning, "Job {JobId} could not be resumed now (no capacity); its reminder tries again")]
    public static partial void ResumeDeferred(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(15, LogLevel.Warning, "Job {JobId}: its model or verifiers could not be reached at submission")]
    public static partial void ResolveFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(16, LogLevel.Warning, "Tenant {TenantId}: job {JobId} did not answer while its reservation was reconciled; the reservation is kept")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string tenantId, string jobId);

    [LoggerMessage(17, LogLevel.Warning, "Tenant {TenantId}: the reservation of job {JobId} ({Status}) was still held and is released")]
    public static partial void ReservationReconciled(ILogger logger, string tenantId, string jobId, Contracts.JobStatus status);

    [LoggerMessage(18, LogLevel.Information,
        "Denoiser for {Model} caps batches at {Cap} rows (knee {Knee} of the monotone fit, last known {LastKnown}); rows/s by batch, median (fit): {Curve}")]
    public static partial void DenoiserCalibrated(ILogger logger, string model, int cap, int knee, int? lastKnown, string curve);

    [LoggerMessage(19, LogLevel.Warning, "Denoiser for {Model} could not measure its batch cap; it keeps {Cap}")]
    public static partial void CalibrationFailed(ILogger logger, Exception exception, string model, int cap);
}
