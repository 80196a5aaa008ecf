using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

/// <summary>The log of jobs' records: their rows in the job index, their deletion, and the retention sweep.</summary>
internal static partial class JobRecordsLog
{
    [LoggerMessage(301, LogLevel.Warning, "Job {JobId} could not write its row in the job index; an ended job's reminder tries again")]
    public static partial void IndexWriteFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(302, LogLevel.Warning, "Job {JobId} could not be deleted now; what is left stays for a retry")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(303, LogLevel.Information, "Job {JobId} of tenant {TenantId} deleted: its result, index rows and state")]
    public static partial void JobDeleted(ILogger logger, string jobId, string tenantId);

    [LoggerMessage(304, LogLevel.Information, "Retention removed {Deleted} of {Found} jobs that ended before {Cutoff:o}")]
    public static partial void Swept(ILogger logger, int deleted, int found, DateTimeOffset cutoff);

    [LoggerMessage(305, LogLevel.Warning, "Retention could not read the jobs that ended before {Cutoff:o}; the next tick tries again")]
    public static partial void SweepFailed(ILogger logger, Exception exception, DateTimeOffset cutoff);

    [LoggerMessage(306, LogLevel.Warning, "Retention could not register or unregister its reminder")]
    public static partial void ScheduleFailed(ILogger logger, Exception exception);
}
