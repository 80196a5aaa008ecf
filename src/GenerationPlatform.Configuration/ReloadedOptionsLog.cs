using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Configuration;

internal static partial class ReloadedOptionsLog
{
    [LoggerMessage(90, LogLevel.Error, "Reloaded configuration of {Section} refused, the last good one kept: {Problems}")]
    public static partial void Refused(ILogger logger, string section, string problems);
}
