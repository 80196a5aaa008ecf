using Microsoft.ML.OnnxRuntime;

namespace GenerationPlatform.Onnx;

/// <summary>How to create a session.</summary>
/// <param name="Device">The execution provider to ask for.</param>
/// <param name="IntraOpThreads">Threads per operator; 0 lets ONNX Runtime pick (one per physical core).</param>
/// <param name="Optimization">Graph optimization level (all by default: constant folding, fusions, the NCHWc layout on x86).</param>
/// <param name="CudaDeviceId">The GPU the CUDA provider uses.</param>
public sealed record OnnxSessionSettings(OnnxDevice Device = OnnxDevice.Cpu, int IntraOpThreads = 0,
    GraphOptimizationLevel Optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, int CudaDeviceId = 0);
