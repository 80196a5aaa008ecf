using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

internal static partial class DenoiserLog
{
    [LoggerMessage(50, LogLevel.Debug, "Denoiser {Key} gave no load report")]
    public static partial void LoadReportFailed(ILogger logger, Exception exception, string key);
}
