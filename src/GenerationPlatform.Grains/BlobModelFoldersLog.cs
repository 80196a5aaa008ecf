using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

internal static partial class BlobModelFoldersLog
{
    [LoggerMessage(63, LogLevel.Information, "Model folder {Key} ({Entry}) downloaded to {Folder}: {Files} files, {Bytes} bytes")]
    public static partial void Downloaded(ILogger logger, string key, string entry, string folder, int files, long bytes);

    [LoggerMessage(64, LogLevel.Error, "Model folder {Key} ({Entry}) could not be downloaded; it is not served")]
    public static partial void Failed(ILogger logger, Exception exception, string key, string entry);

    [LoggerMessage(65, LogLevel.Warning, "Removed {Count} unfinished model downloads (*.partial-*) from {Cache}")]
    public static partial void LeftoversRemoved(ILogger logger, int count, string cache);
}
