using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

internal static partial class ResultWritingLog
{
    [LoggerMessage(40, LogLevel.Warning, "Job {JobId}: its result could not be stored in the {Store} store; the job keeps it and tries again")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string jobId, string store);
}
