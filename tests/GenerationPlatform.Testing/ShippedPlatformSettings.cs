using GenerationPlatform.Contracts;

namespace GenerationPlatform.Testing;

/// <summary>
/// The embedded platform's settings for tests of the shipped models of both kinds: the class model through ONNX Runtime and
/// the text model, their real verifiers, HTTP/JSON on a free port, results in <c>results</c>, one batch size instead of a
/// measured one (such tests are about what is accepted and shown, not how fast).
/// </summary>
public static class ShippedPlatformSettings
{
    public const string ClassModel = "velocity-unet-onnx", TextModel = "fashion-text";

    public static Dictionary<string, string?> For(string results) => new()
    {
        ["GenerationPlatform:Host:JsonPort"] = "0",
        ["GenerationPlatform:Results:Path"] = results,
        ["GenerationPlatform:Models:Folders:0"] = Path.Combine(ModelOptions.ShippedModelsDirectory, ClassModel),
        ["GenerationPlatform:Models:Folders:1"] = Path.Combine(ModelOptions.ShippedModelsDirectory, TextModel),
        ["GenerationPlatform:Denoiser:MaxBatch"] = "16",
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
