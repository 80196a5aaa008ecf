using Microsoft.ML.OnnxRuntime;

namespace GenerationPlatform.Onnx;

/// <summary>A session with the device it actually got.</summary>
public sealed class OnnxSession(InferenceSession session, OnnxDevice device, string? fallbackReason) : IDisposable
{
    public InferenceSession Session { get; } = session;

    /// <summary><see cref="OnnxDevice.Cpu"/> or <see cref="OnnxDevice.Cuda"/>: what the session runs on.</summary>
    public OnnxDevice Device { get; } = device;

    /// <summary>"cpu" or "cuda".</summary>
    public string DeviceName => OnnxSessions.Name(Device);

    /// <summary>"CPU" or "CUDA": the execution provider asked for first.</summary>
    public string ExecutionProvider => Device == OnnxDevice.Cuda ? "CUDA" : "CPU";

    /// <summary>Why <see cref="OnnxDevice.Auto"/> fell back to the CPU; null otherwise.</summary>
    public string? FallbackReason { get; } = fallbackReason;

    public void Dispose() => Session.Dispose();
}
