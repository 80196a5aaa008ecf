using System.Globalization;
using System.Text;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Onnx;
using GenerationPlatform.Tools;
using static TorchSharp.torch;

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

    public static System.CommandLine.Command Create() => ToolCommand.Create("export-onnx",
        "Write a velocity network as an ONNX model (velocity.onnx) with its manifest, checked against TorchSharp", ExportOnnxSettings.Options,
        (p, ct) => Task.FromResult(Run(ExportOnnxSettings.Parse(p), new ExportOnnxReport(Console.Out, Console.Error))));

    /// <summary>Exports, checks and describes the network, each step reported as it is done; 1 when the export differs from TorchSharp.</summary>
    public static int Run(ExportOnnxSettings settings, ExportOnnxReport report)
    {
        using var unet = VelocityModelFile.Load(settings.Weights);
        var config = unet.Config;
        var conditioning = settings.BaseManifest?.Conditioning ?? (config.IsText
            ? Conditioning.ForText(
                settings.TextEncoder ?? throw new CliArgumentException("--text-encoder: the network is a text model; name its text encoder"), config.TextEmbedding)
            : Conditioning.ForClasses(config.Classes == FashionMnist.ClassCount ? FashionMnist.ClassNames
                : Enumerable.Range(0, config.Classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()));

        Directory.CreateDirectory(settings.Folder);
        var onnxPath = Path.Combine(settings.Folder, OnnxFileName);
        var bytes = OnnxExporter.Export(unet, settings.BaseManifest?.Description);
        AtomicFile.Write(onnxPath, bytes);
        report.Exported(onnxPath, bytes.Length, OnnxExporter.Opset, config.Shape, conditioning, unet.ParameterCount());
        if (settings.CheckRows > 0)
        {
            double diff = MaxDifference(unet, bytes, conditioning, settings.CheckRows);
            report.Checked(settings.CheckRows, diff);
            if (diff > Tolerance) return report.Differs(diff, Tolerance);
        }
        var manifestPath = Path.Combine(settings.Folder, ModelManifest.FileName);
        if (File.Exists(manifestPath)) report.Kept(manifestPath, CheckExisting(manifestPath, config.Shape, conditioning));
        else report.Wrote(manifestPath, WriteManifest(manifestPath, settings, config.Shape, conditioning));
        return 0;
    }

    /// <summary>An existing manifest (a curated one, such as models/velocity-unet-onnx) is kept, and must describe this export; its model's name.</summary>
    private static string CheckExisting(string manifestPath, ImageShape shape, Conditioning conditioning)
    {
        ModelManifest existing;
        try { existing = ModelManifest.Load(manifestPath); }
        catch (ModelLoadException e) { throw new CliArgumentException($"--out: the manifest already there is invalid: {e.Message}"); }
        var problem = existing.Backend != ModelManifest.Onnx ? $"backend is {existing.Backend}, expected onnx"
            : existing.Weights != OnnxFileName ? $"weights is {existing.Weights}, expected {OnnxFileName}"
            : existing.StateShape != shape ? $"its shape is {existing.StateShape}, the network's is {shape}"
            : existing.Conditioning.IsText != conditioning.IsText || existing.Conditioning.Classes != conditioning.Classes
                || existing.Conditioning.EmbeddingSize != conditioning.EmbeddingSize ? $"it declares {existing.Conditioning}, the network takes {conditioning}"
            : null;
        if (problem is not null) throw new CliArgumentException($"--out: {manifestPath} does not describe this export ({problem}); remove it or choose another folder");
        return existing.Name;
    }

    /// <summary>A new manifest of backend onnx, from the source manifest where there was one; the new model's name.</summary>
    private static string WriteManifest(string manifestPath, ExportOnnxSettings settings, ImageShape shape, Conditioning conditioning)
    {
        var baseManifest = settings.BaseManifest;
        var sourceName = baseManifest?.Name ?? Path.GetFileNameWithoutExtension(settings.Weights);
        var manifestName = settings.Name ?? $"{sourceName}-onnx";
        if (ModelManifest.NameProblem(manifestName) is { } nameProblem) throw new CliArgumentException($"--name: {nameProblem}");
        var manifest = new ModelManifest(manifestName,
            settings.Description ?? $"{sourceName} exported to ONNX by genplat export-onnx (run by ONNX Runtime)",
            ModelManifest.Onnx, OnnxFileName,
            baseManifest?.Image ?? new ImageSpec(shape, PixelRange.MinusOneToOne),
            conditioning, PredictionSpec.Velocity, null, baseManifest?.Defaults ?? new ModelDefaults(), settings.Folder);
        AtomicFile.Write(manifestPath, Encoding.UTF8.GetBytes(manifest.ToJson()));
        return manifestName;
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
