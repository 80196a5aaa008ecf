using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Api;

internal static partial class ApiLog
{
    [LoggerMessage(100, LogLevel.Information, "Job {JobId} of tenant {TenantId} accepted: {Algorithm}, budget {Budget} NFE")]
    public static partial void Accepted(ILogger logger, string jobId, string tenantId, string algorithm, long budget);

    [LoggerMessage(101, LogLevel.Information, "Tenant {TenantId} turned away: {Rejection}: {Message}")]
    public static partial void Rejected(ILogger logger, string tenantId, QuotaRejection rejection, string message);

    [LoggerMessage(102, LogLevel.Information, "Job {JobId} of tenant {TenantId}: cancel requested (running: {Cancelling})")]
    public static partial void CancelRequested(ILogger logger, string jobId, string tenantId, bool cancelling);

    [LoggerMessage(103, LogLevel.Warning, "Tenant {TenantId}: the cluster could not admit a valid job ({Rejection}): {Message}")]
    public static partial void AdmissionFailed(ILogger logger, string tenantId, QuotaRejection rejection, string message);

    [LoggerMessage(104, LogLevel.Warning, "The cluster did not answer a call of the API")]
    public static partial void ClusterUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(105, LogLevel.Warning, "The stored result of job {JobId} could not be read")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(106, LogLevel.Information, "API keys reloaded: {Tenants} tenants, {Keys} keys")]
    public static partial void KeysReloaded(ILogger logger, int tenants, int keys);

    [LoggerMessage(108, LogLevel.Information, "Job {JobId} of tenant {TenantId}: delete requested ({Outcome})")]
    public static partial void DeleteRequested(ILogger logger, string jobId, string tenantId, JobDeletion outcome);

    [LoggerMessage(109, LogLevel.Warning, "The job index did not answer a listing of tenant {TenantId}")]
    public static partial void IndexUnavailable(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(110, LogLevel.Warning,
        "Refused request messages before authentication in the last {Period}: {Undecodable} undecodable, {Oversized} over the size limit once decompressed")]
    public static partial void RefusedMessages(ILogger logger, long undecodable, long oversized, TimeSpan period);
}
