namespace GenerationPlatform.Diffusion.Onnx;

/// <summary>The names of a denoiser graph's inputs and output (those <see cref="OnnxExporter"/> writes by default).</summary>
public sealed record OnnxDenoiserNames(string X = OnnxExporter.XInput, string T = OnnxExporter.TInput, string Condition = OnnxExporter.ConditionInput,
    string Output = OnnxExporter.VelocityOutput)
{
    public static OnnxDenoiserNames Default { get; } = new();
}
