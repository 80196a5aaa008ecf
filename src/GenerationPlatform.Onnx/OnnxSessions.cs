using Microsoft.ML.OnnxRuntime;

namespace GenerationPlatform.Onnx;

/// <summary>
/// Creates ONNX Runtime sessions with the execution provider chosen at run time. The CUDA provider exists only in the
/// GPU build (<c>-p:GenPlatAccelerator=cuda</c>, package Microsoft.ML.OnnxRuntime.Gpu.Linux, symbol GENPLAT_CUDA):
/// there <see cref="OnnxDevice.Cuda"/> appends it and fails with ONNX Runtime's reason when it cannot load (no GPU, or the
/// CUDA 13 / cuDNN 9 libraries it links against are missing); <see cref="OnnxDevice.Auto"/> falls back to the CPU and
/// reports why in <see cref="OnnxSession.FallbackReason"/> for the caller to log. In the CPU build <c>cuda</c> always
/// fails and <c>auto</c> is the CPU.
/// </summary>
public static class OnnxSessions
{
    /// <summary>Whether this is the GPU build (the CUDA execution provider is compiled in).</summary>
    public static bool CudaBuild { get; } =
#if GENPLAT_CUDA
        true;
#else
        false;
#endif

    public static string Name(OnnxDevice device) => device switch
    {
        OnnxDevice.Cpu => "cpu",
        OnnxDevice.Cuda => "cuda",
        _ => "auto",
    };

    /// <summary>"cpu", "cuda" or "auto" (case-insensitive; empty is auto).</summary>
    public static OnnxDevice ParseDevice(string? text) =>
        (string.IsNullOrWhiteSpace(text) ? "auto" : text.Trim().ToLowerInvariant()) switch
        {
            "cpu" => OnnxDevice.Cpu,
            "cuda" or "gpu" => OnnxDevice.Cuda,
            "auto" => OnnxDevice.Auto,
            _ => throw new ArgumentException($"device must be 'auto', 'cpu' or 'cuda' (got '{text}')", nameof(text)),
        };

    public static OnnxSession Create(string path, OnnxSessionSettings settings) => Create(settings, options => new InferenceSession(path, options));

    public static OnnxSession Create(byte[] model, OnnxSessionSettings settings) => Create(settings, options => new InferenceSession(model, options));

    public static OnnxSession Create(string path, OnnxDevice device = OnnxDevice.Cpu, int threads = 0) => Create(path, new OnnxSessionSettings(device, threads));

    public static OnnxSession Create(byte[] model, OnnxDevice device = OnnxDevice.Cpu, int threads = 0) => Create(model, new OnnxSessionSettings(device, threads));

    private static OnnxSession Create(OnnxSessionSettings settings, Func<SessionOptions, InferenceSession> open)
    {
        using var options = Options(settings, out var device, out var fallback);
        return new OnnxSession(open(options), device, fallback);
    }

    /// <summary>
    /// Session options for <paramref name="settings"/>, with the CUDA provider appended when asked for and available.
    /// <paramref name="device"/> is what was chosen; <paramref name="fallbackReason"/> says why <c>auto</c> took the CPU.
    /// </summary>
    /// <exception cref="OnnxDeviceException"><c>cuda</c> was asked for and cannot be had.</exception>
    public static SessionOptions Options(OnnxSessionSettings settings, out OnnxDevice device, out string? fallbackReason)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(settings), "IntraOpThreads must be 0 (ONNX Runtime's choice) or positive");
        var options = new SessionOptions { GraphOptimizationLevel = settings.Optimization };
        if (settings.IntraOpThreads > 0) options.IntraOpNumThreads = settings.IntraOpThreads;
        device = OnnxDevice.Cpu;
        fallbackReason = null;
        if (settings.Device == OnnxDevice.Cpu) return options;
        var problem = TryAppendCuda(options, settings.CudaDeviceId);
        if (problem is null)
        {
            device = OnnxDevice.Cuda;
            return options;
        }
        if (settings.Device == OnnxDevice.Cuda)
        {
            options.Dispose();
            throw new OnnxDeviceException($"device 'cuda' was requested but ONNX Runtime's CUDA execution provider is not available: {problem}");
        }
        fallbackReason = problem;
        return options;
    }

    /// <summary>Null when the CUDA provider was appended, else why not.</summary>
    private static string? TryAppendCuda(SessionOptions options, int deviceId)
    {
#if GENPLAT_CUDA
        try
        {
            options.AppendExecutionProvider_CUDA(deviceId);
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return $"{e.GetType().Name}: {e.Message.Trim()} " +
                "(ONNX Runtime 1.31.0's CUDA provider needs an NVIDIA driver, the CUDA 13 runtime, cuBLAS 13, cuRAND 10 and cuDNN 9 on the library path)";
        }
#else
        _ = options;
        _ = deviceId;
        return "this is the CPU build; the CUDA execution provider is in the GPU build (-p:GenPlatAccelerator=cuda, Microsoft.ML.OnnxRuntime.Gpu.Linux)";
#endif
    }
}
