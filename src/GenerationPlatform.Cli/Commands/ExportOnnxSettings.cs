using System.CommandLine;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// export-onnx's options, read and checked: the network (its weights, and the torchsharp manifest it came with), the folder,
/// the new manifest's name, description and text encoder, and how many random rows check the export.
/// </summary>
internal sealed record ExportOnnxSettings(string Weights, ModelManifest? BaseManifest, string Folder, string? Name, string? Description, string? TextEncoder, int CheckRows)
{
    private static readonly Option<string?> model = new("--model")
    {
        Description = "the network: a .safetensors file of our velocity network, or a torchsharp model folder / manifest (default: the shipped weights)",
    };
    private static readonly Option<string> output = new("--out") { Description = "folder to write velocity.onnx (and model.json) into", Required = true };
    private static readonly Option<string?> name = new("--name") { Description = "model name for a new manifest (default: the source's name + \"-onnx\")" };
    private static readonly Option<string?> description = new("--description") { Description = "description for a new manifest" };
    private static readonly Option<string?> encoder = new("--text-encoder") { Description = "text models from a bare .safetensors file: the text encoder's name for the manifest" };
    private static readonly Option<int> check = new("--check") { Description = "rows of random inputs to compare against TorchSharp (0: no check)", DefaultValueFactory = _ => 16 };

    public static IReadOnlyList<Option> Options { get; } = [model, output, name, description, encoder, check];

    public static ExportOnnxSettings Parse(ParseResult p)
    {
        int rows = p.GetValue(check);
        if (rows is < 0 or > 4096) throw new CliArgumentException($"--check must be between 0 and 4096 (got {rows})");
        var source = p.GetValue(model);
        var folder = Path.GetFullPath(p.GetValue(output)!);
        if (File.Exists(folder)) throw new CliArgumentException($"--out: '{folder}' is a file, expected a folder");
        ModelManifest? baseManifest = null;
        string weights;
        if (source is not null && (Directory.Exists(source) || source.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
        {
            try { baseManifest = ModelManifest.Load(source); }
            catch (ModelLoadException e) { throw new CliArgumentException($"--model: {e.Message}"); }
            if (baseManifest.Backend != ModelManifest.TorchSharp)
                throw new CliArgumentException($"--model: {source} is a {baseManifest.Backend} model; only torchsharp models (our velocity network) can be exported");
            weights = baseManifest.WeightsPath;
        }
        else weights = source ?? VelocityModelFile.DefaultPath;
        if (!File.Exists(weights)) throw new CliArgumentException($"--model: no weights at {weights}");
        return new ExportOnnxSettings(weights, baseManifest, folder, p.GetValue(name), p.GetValue(description), p.GetValue(encoder), rows);
    }
}
