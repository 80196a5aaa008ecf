using GenerationPlatform.Diffusion.Checkpoints;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>The shipped velocity network's file: weights plus the architecture in the safetensors metadata.</summary>
public static class VelocityModelFile
{
    public const string DefaultFileName = "velocity-unet.safetensors";

    /// <summary>The weights shipped next to the assembly (copied to every build output).</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Weights", DefaultFileName);

    public static Dictionary<string, string> Metadata(UNetConfig config, string description) => new()
    {
        ["format"] = "pt",
        ["architecture"] = "genplat-velocity-unet",
        ["base_channels"] = config.BaseChannels.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["multipliers"] = string.Join(',', config.ChannelMultipliers),
        ["embedding_dim"] = config.EmbeddingDim.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["classes"] = config.Classes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["attention_heads"] = config.AttentionHeads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["interpolant"] = "x_t = (1 - t) x0 + t eps; predicts v = eps - x0; t = 1 is noise",
        ["description"] = description,
    };

    public static VelocityUNet Load(string? path = null)
    {
        path ??= DefaultPath;
        var (tensors, meta) = SafeTensors.Load(path);
        foreach (var t in tensors.Values) t.Dispose();
        if (!meta.TryGetValue("architecture", out var arch) || arch != "genplat-velocity-unet")
            throw new CheckpointException($"{path} is not a genplat velocity network (metadata 'architecture' is '{arch}')");
        static int Int(Dictionary<string, string> m, string k) => int.Parse(m[k], System.Globalization.CultureInfo.InvariantCulture);
        var config = new UNetConfig(Int(meta, "base_channels"), meta["multipliers"].Split(',').Select(int.Parse).ToArray(), Int(meta, "embedding_dim"), Int(meta, "classes"), 0.0, Int(meta, "attention_heads"));
        var model = new VelocityUNet(config);
        SafeTensors.LoadModule(path, model);
        model.eval();
        return model;
    }
}
