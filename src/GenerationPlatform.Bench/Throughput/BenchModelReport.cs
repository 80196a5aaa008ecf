namespace GenerationPlatform.Bench.Throughput;

/// <summary>The end of model's figures: the best ratio to the matmul ceiling (and ONNX Runtime's own), and the batch cap a denoiser would choose.</summary>
internal sealed record BenchModelReport(double BestGflops, int BestBatch, double Ceiling, double? OrtCeiling, string Backend, string Device, int Knee,
    double? Tf32Ceiling = null, double? Bf16Ceiling = null)
{
    public void Write(TextWriter output)
    {
        output.WriteLine($"best ratio to the matmul ceiling: {BestGflops / Ceiling:F2} (batch {BestBatch}, {Backend} on {Device})");
        if (Tf32Ceiling is { } tf32) output.WriteLine($"best ratio to the TF32 matmul: {BestGflops / tf32:F2}");
        if (Bf16Ceiling is { } bf16) output.WriteLine($"best ratio to the bfloat16 matmul: {BestGflops / bf16:F2}");
        if (OrtCeiling is { } ort) output.WriteLine($"best ratio to ONNX Runtime's own matmul: {BestGflops / ort:F2}");
        // The cap a denoiser on this device would choose: the smallest batch within 95% of the best rows/s.
        output.WriteLine($"batch cap (knee: smallest batch within 95% of the best images/s): {Knee}");
    }
}
