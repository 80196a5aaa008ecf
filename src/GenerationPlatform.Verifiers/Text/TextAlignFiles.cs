using System.Globalization;
using GenerationPlatform.Diffusion.Checkpoints;

namespace GenerationPlatform.Verifiers.Text;

/// <summary>Where the shipped `text-align` encoder lives, and how to save and load it (its width is in the metadata).</summary>
public static class TextAlignFiles
{
    public const string WeightsFileName = "text-align.safetensors";

    /// <summary>The width of the shipped encoder (its metadata says so too; a test holds the two together), for its cost before it is loaded.</summary>
    public const int ShippedWidth = 32;

    public static string DefaultWeightsPath => Path.Combine(AppContext.BaseDirectory, "Weights", WeightsFileName);

    public static TextAlignEncoder Load(string? path = null)
    {
        path ??= DefaultWeightsPath;
        var (tensors, metadata) = SafeTensors.Load(path);
        foreach (var t in tensors.Values) t.Dispose();
        if (!metadata.TryGetValue("width", out var w) || !int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width < 1)
            throw new InvalidDataException($"{path}: no positive 'width' in the metadata of a text-align encoder");
        if (metadata.TryGetValue("encoder", out var encoder) && encoder != GenerationPlatform.Text.MiniLmTextEncoder.EncoderName)
            throw new InvalidDataException($"{path}: trained against text encoder '{encoder}', this build has {GenerationPlatform.Text.MiniLmTextEncoder.EncoderName}");
        var model = new TextAlignEncoder(width);
        SafeTensors.LoadModule(path, model);
        model.eval();
        return model;
    }

    public static void Save(string path, TextAlignEncoder model, string description) =>
        SafeTensors.SaveModule(path, model, new Dictionary<string, string>
        {
            ["width"] = model.Width.ToString(CultureInfo.InvariantCulture),
            ["encoder"] = GenerationPlatform.Text.MiniLmTextEncoder.EncoderName,
            ["description"] = description,
        });
}
