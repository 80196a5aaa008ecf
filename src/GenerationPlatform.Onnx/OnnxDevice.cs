namespace GenerationPlatform.Onnx;

/// <summary>Where an ONNX Runtime session runs.</summary>
public enum OnnxDevice
{
    /// <summary>The CPU execution provider.</summary>
    Cpu,
    /// <summary>The CUDA execution provider (GPU build only); fails with a clear message when it cannot be had.</summary>
    Cuda,
    /// <summary>CUDA when the GPU build finds a usable provider, else the CPU; <see cref="OnnxSession.FallbackReason"/> says why.</summary>
    Auto,
}
