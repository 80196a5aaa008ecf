using System.CommandLine;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Onnx;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat export-onnx --model M --out DIR</c>: our velocity network as an ONNX graph (DIR/velocity.onnx, opset 18,
/// see <see cref="OnnxExporter"/>), checked against TorchSharp on random inputs, with its manifest (DIR/model.json,
/// backend onnx) written next to it unless one is there already (then it is checked against the export instead).
/// </summary>
internal static class ExportOnnxCommand
{
    public const string OnnxFileName = "velocity.onnx";
    private const double Tolerance = 1e-4;

    public static Command Create()
    {
        var model = new Option<string?>("--model")
        {
            Description = "the network: a .safetensors file of our velocity network, or a torchsharp model folder / manifest (default: the shipped weights)",
        };
        var output = new Option<string>("--out") { Description = "folder to write velocity.onnx (and model.json) into", Required = true };
        var name = new Option<string?>("--name") { Description = "model name for a new manifest (default: the source's name + \"-onnx\")" };
        var description = new Option<string?>("--description") { Description = "description for a new manifest" };
        var encoder = new Option<string?>("--text-encoder") { Description = "text models from a bare .safetensors file: the text encoder's name for the manifest" };
        var check = new Option<int>("--check") { Description = "rows of random inputs to compare against TorchSharp (0: no check)", DefaultValueFactory = _ => 16 };
        var command = new Command("export-onnx", "Write a velocity network as an ONNX model (velocity.onnx) with its manifest, checked against TorchSharp")
        {
            model, output, name, description, encoder, check,
        };
        command.SetAction((p, ct) =>
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

            using var unet = VelocityModelFile.Load(weights);
            var config = unet.Config;
            var conditioning = baseManifest?.Conditioning ?? (config.IsText
                ? Conditioning.ForText(p.GetValue(encoder) ?? throw new CliArgumentException("--text-encoder: the network is a text model; name its text encoder"), config.TextEmbedding)
                : Conditioning.ForClasses(config.Classes == FashionMnist.ClassCount ? FashionMnist.ClassNames
                    : Enumerable.Range(0, config.Classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));

            Directory.CreateDirectory(folder);
            var onnxPath = Path.Combine(folder, OnnxFileName);
            var bytes = OnnxExporter.Export(unet, baseManifest?.Description);
            AtomicFile.Write(onnxPath, bytes);
            Console.WriteLine($"wrote {onnxPath}: {bytes.Length:N0} bytes, opset {OnnxExporter.Opset}, {config.Shape} {conditioning}, {unet.ParameterCount():N0} parameters");

            if (rows > 0)
            {
                double diff = MaxDifference(unet, bytes, conditioning, rows);
                Console.WriteLine($"check: {rows} random rows (x, t, every label incl. the null label): max |v_torchsharp - v_onnx| = {diff:E2}");
                if (diff > Tolerance)
                {
                    Console.Error.WriteLine($"genplat: the export differs from TorchSharp by {diff:E2} > {Tolerance:E0}");
                    return Task.FromResult(1);
                }
            }

            var manifestPath = Path.Combine(folder, ModelManifest.FileName);
            if (File.Exists(manifestPath))
            {
                // An existing manifest (a curated one, such as models/velocity-unet-onnx) is kept, and must describe this export.
                ModelManifest existing;
                try { existing = ModelManifest.Load(manifestPath); }
                catch (ModelLoadException e) { throw new CliArgumentException($"--out: the manifest already there is invalid: {e.Message}"); }
                var problem = existing.Backend != ModelManifest.Onnx ? $"backend is {existing.Backend}, expected onnx"
                    : existing.Weights != OnnxFileName ? $"weights is {existing.Weights}, expected {OnnxFileName}"
                    : existing.StateShape != config.Shape ? $"its shape is {existing.StateShape}, the network's is {config.Shape}"
                    : existing.Conditioning.IsText != conditioning.IsText || existing.Conditioning.Classes != conditioning.Classes
                        || existing.Conditioning.EmbeddingSize != conditioning.EmbeddingSize ? $"it declares {existing.Conditioning}, the network takes {conditioning}"
                    : null;
                if (problem is not null) throw new CliArgumentException($"--out: {manifestPath} does not describe this export ({problem}); remove it or choose another folder");
                Console.WriteLine($"kept {manifestPath} (model '{existing.Name}'; it matches the export)");
            }
            else
            {
                var sourceName = baseManifest?.Name ?? Path.GetFileNameWithoutExtension(weights);
                var manifestName = p.GetValue(name) ?? $"{sourceName}-onnx";
                if (ModelManifest.NameProblem(manifestName) is { } nameProblem) throw new CliArgumentException($"--name: {nameProblem}");
                var manifest = new ModelManifest(manifestName,
                    p.GetValue(description) ?? $"{sourceName} exported to ONNX by genplat export-onnx (run by ONNX Runtime)",
                    ModelManifest.Onnx, OnnxFileName,
                    baseManifest?.Image ?? new ImageSpec(config.Shape, PixelRange.MinusOneToOne),
                    conditioning, PredictionSpec.Velocity, null, baseManifest?.Defaults ?? new ModelDefaults(), folder);
                AtomicFile.Write(manifestPath, System.Text.Encoding.UTF8.GetBytes(manifest.ToJson()));
                Console.WriteLine($"wrote {manifestPath} (model '{manifestName}')");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Max |v_torch - v_onnx| on random rows: x ~ N(0, 1), t uniform, labels cycling through every class and the null label (or random and zero embeddings).</summary>
    private static double MaxDifference(VelocityUNet unet, byte[] onnx, Conditioning conditioning, int rows)
    {
        var config = unet.Config;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(1);
        var x = randn(config.Shape.Batch(rows), generator: generator);
        var t = rand([rows], generator: generator);
        var condition = config.IsText
            ? randn([rows, config.TextEmbedding], generator: generator) * tensor(Enumerable.Range(0, rows).Select(i => i % 4 == 0 ? 0f : 1f).ToArray()).unsqueeze(1)
            : tensor(Enumerable.Range(0, rows).Select(i => (long)(i % (config.Classes + 1))).ToArray());
        var expected = unet.forward(x, t, condition);
        using var network = new OnnxVelocityNetwork(onnx, config.Shape, conditioning);
        var actual = network.Forward(x, t, condition);
        return (expected - actual).abs().max().item<float>();
    }
}
