using GenerationPlatform.Diffusion.Checkpoints;

namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>Where the shipped probe head lives, and how to load it.</summary>
public static class ResNetProbeFiles
{
    public const string WeightsFileName = "resnet-probe-head.safetensors";

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Weights", WeightsFileName);

    /// <summary>Loads a head in eval mode; a clear <see cref="CheckpointException"/> when the file is missing.</summary>
    public static ResNetProbeHead Load(string? path = null) => LoadWithMetadata(path).Head;

    public static (ResNetProbeHead Head, Dictionary<string, string> Metadata) LoadWithMetadata(string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path))
            throw new CheckpointException($"ResNet probe head not found: {path}. Train it with `genplat-research train-probe --out-dir <folder>` " +
                $"and copy {WeightsFileName} to src/GenerationPlatform.Verifiers/Weights/ (or pass its path)");
        var head = new ResNetProbeHead();
        try
        {
            var metadata = SafeTensors.LoadModule(path, head);
            head.eval();
            return (head, metadata);
        }
        catch
        {
            head.Dispose();
            throw;
        }
    }
}
