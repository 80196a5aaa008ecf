using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Api;

internal static partial class ModelCatalogueLog
{
    [LoggerMessage(60, LogLevel.Error, "Model folder {Folder} is refused: {Field}: {Message}; the other models are served")]
    public static partial void Refused(ILogger logger, string folder, string field, string message);
}
