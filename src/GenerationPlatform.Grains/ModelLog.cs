using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

internal static partial class ModelLog
{
    [LoggerMessage(61, LogLevel.Information, "Model '{Model}' served from {Folder}: {Backend} on {Device}, images {Shape}, conditioned on {Conditioning}")]
    public static partial void Served(ILogger logger, string model, string folder, string backend, string device, string shape, string conditioning);

    [LoggerMessage(62, LogLevel.Error, "Model '{Model}' ({Folder}) is refused: {Field}: {Message}; the silo serves the other models")]
    public static partial void Refused(ILogger logger, string model, string folder, string field, string message);
}
