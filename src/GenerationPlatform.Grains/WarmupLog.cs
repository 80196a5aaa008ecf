using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

internal static partial class WarmupLog
{
    [LoggerMessage(70, LogLevel.Information, "Model '{Model}' warm: batch cap {Cap} ({Source}), in {Seconds:F1} s")]
    public static partial void ModelWarm(ILogger logger, string model, int cap, string source, double seconds);

    [LoggerMessage(71, LogLevel.Error, "Model '{Model}' could not be warmed up; its denoiser measures its batch cap when it activates")]
    public static partial void ModelWarmFailed(ILogger logger, Exception exception, string model);

    [LoggerMessage(72, LogLevel.Information, "{Count} models warm in {Seconds:F1} s, the silo reports ready: {Models}")]
    public static partial void ModelsWarm(ILogger logger, int count, double seconds, string models);

    [LoggerMessage(73, LogLevel.Information,
        "Model '{Model}': batch cap {Cap} (knee {Knee} of the monotone fit, last known {LastKnown}) measured in {Seconds:F1} s; rows/s by batch, median (fit): {Curve}")]
    public static partial void CapMeasured(ILogger logger, string model, int cap, int knee, int? lastKnown, double seconds, string curve);

    [LoggerMessage(74, LogLevel.Warning, "Model '{Model}': the remembered batch cap is not used: {Problem}")]
    public static partial void RememberedCapIgnored(ILogger logger, string model, string problem);

    [LoggerMessage(75, LogLevel.Warning, "Model '{Model}': the measured batch cap could not be remembered in {Folder}: {Message}")]
    public static partial void CapNotRemembered(ILogger logger, string model, string folder, string message);
}
