using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

internal static partial class BlobModelFoldersLog
{
    [LoggerMessage(63, LogLevel.Information, "Model folder {Entry} downloaded to {Folder}")]
    public static partial void Downloaded(ILogger logger, string entry, string folder);

    [LoggerMessage(64, LogLevel.Error, "Model folder {Entry} could not be downloaded; it is not served")]
    public static partial void Failed(ILogger logger, Exception exception, string entry);
}
