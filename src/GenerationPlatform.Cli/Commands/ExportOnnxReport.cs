using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Cli.Commands;

/// <summary>export-onnx's report, a line per step as it is done: the export, the check against TorchSharp, the manifest kept or written.</summary>
internal sealed class ExportOnnxReport(TextWriter output, TextWriter error)
{
    public void Exported(string path, int bytes, int opset, ImageShape shape, Conditioning conditioning, long parameters) =>
        output.WriteLine($"wrote {path}: {bytes:N0} bytes, opset {opset}, {shape} {conditioning}, {parameters:N0} parameters");

    public void Checked(int rows, double difference) =>
        output.WriteLine($"check: {rows} random rows (x, t, every label incl. the null label): max |v_torchsharp - v_onnx| = {difference:E2}");

    /// <summary>The export failed its check: one line on stderr; the exit code.</summary>
    public int Differs(double difference, double tolerance)
    {
        error.WriteLine($"genplat: the export differs from TorchSharp by {difference:E2} > {tolerance:E0}");
        return 1;
    }

    public void Kept(string manifestPath, string model) => output.WriteLine($"kept {manifestPath} (model '{model}'; it matches the export)");

    public void Wrote(string manifestPath, string model) => output.WriteLine($"wrote {manifestPath} (model '{model}')");
}
