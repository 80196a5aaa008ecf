namespace GenerationPlatform.Onnx.Tests;

/// <summary>
/// The device the ONNX parity tests run on: the CPU, or CUDA when GENPLAT_TEST_DEVICE=cuda (infra/gpu-check.sh sets it on a
/// GPU machine; the session then fails with ONNX Runtime's reason when the CUDA provider cannot load, rather than falling back).
/// </summary>
internal static class TestDevice
{
    public static OnnxDevice Device =>
        string.Equals(Environment.GetEnvironmentVariable("GENPLAT_TEST_DEVICE"), "cuda", StringComparison.OrdinalIgnoreCase) ? OnnxDevice.Cuda : OnnxDevice.Cpu;

    public static OnnxSessionSettings Settings => new(Device);
}
