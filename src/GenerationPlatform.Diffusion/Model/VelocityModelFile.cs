using GenerationPlatform.Diffusion.Checkpoints;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>The shipped velocity network's file: weights plus the architecture in the safetensors metadata.</summary>
public static class VelocityModelFile
{
    public const string DefaultFileName = "velocity-unet.safetensors";

    /// <summary>The shipped model's weights next to the assembly (models/velocity-unet/, copied to every build output as Models/velocity-unet/).</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Models", "velocity-unet", DefaultFileName);

    public static Dictionary<string, string> Metadata(UNetConfig config, string description) => new()
    {
        ["format"] = "pt",
        ["architecture"] = "genplat-velocity-unet",
        ["base_channels"] = config.BaseChannels.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["multipliers"] = string.Join(',', config.ChannelMultipliers),
        ["embedding_dim"] = config.EmbeddingDim.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["classes"] = config.Classes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["attention_heads"] = config.AttentionHeads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["image_channels"] = config.ImageChannels.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["height"] = config.Height.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["width"] = config.Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["text_embedding"] = config.TextEmbedding.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["interpolant"] = "x_t = (1 - t) x0 + t eps; predicts v = eps - x0; t = 1 is noise",
        ["description"] = description,
    };

    public static VelocityUNet Load(string? path = null) => LoadWithMetadata(path).Model;

    /// <summary>The network and its file's metadata, from one read of the file.</summary>
    public static (VelocityUNet Model, Dictionary<string, string> Metadata) LoadWithMetadata(string? path = null)
    {
        path ??= DefaultPath;
        var (tensors, meta) = SafeTensors.Load(path);
        try
        {
            if (!meta.TryGetValue("architecture", out var arch) || arch != "genplat-velocity-unet")
                throw new CheckpointException($"{path} is not a genplat velocity network (metadata 'architecture' is '{arch}')");
            var model = new VelocityUNet(ConfigFrom(meta, path));
            SafeTensors.CopyInto(model, tensors, path);
            model.eval();
            return (model, meta);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>The architecture recorded in a weights file's metadata (files from before RGB and text models are 1x28x28, class-conditioned).</summary>
    public static UNetConfig ConfigFrom(Dictionary<string, string> meta, string path)
    {
        int Optional(string key, int fallback, int min) => !meta.TryGetValue(key, out var v) ? fallback
            : int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= min ? i
            : throw new CheckpointException($"{path}: metadata '{key}' must be an integer >= {min}");
        int Int(string key) => meta.TryGetValue(key, out var v)
            && int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i > 0
            ? i : throw new CheckpointException($"{path}: metadata '{key}' is missing or not a positive integer");
        var multipliers = meta.TryGetValue("multipliers", out var m) ? m.Split(',').Select(x => int.TryParse(x, out var k) && k > 0 ? k : 0).ToArray() : [];
        if (multipliers.Length != 3 || multipliers.Contains(0)) throw new CheckpointException($"{path}: metadata 'multipliers' must be three positive integers");
        int text = Optional("text_embedding", 0, 0);
        return new UNetConfig(Int("base_channels"), multipliers, Int("embedding_dim"), text > 0 ? Optional("classes", 0, 0) : Int("classes"), 0.0, Int("attention_heads"),
            Optional("image_channels", 1, 1), Optional("height", 28, 4), Optional("width", 28, 4), text);
    }
}
