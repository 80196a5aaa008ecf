using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>
/// Where networks run, chosen at run time: <c>auto</c> takes CUDA when the build carries it and a GPU
/// is visible, else the CPU; <c>cpu</c> and <c>cuda</c> force one (cuda fails clearly without a GPU).
/// </summary>
public static class ComputeDevice
{
    public const string Auto = "auto", Cpu = "cpu", Cuda = "cuda";

    public static Device Choose(string? requested)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? Auto : requested.Trim().ToLowerInvariant();
        return name switch
        {
            Cpu => CPU,
            Cuda => CudaAvailable() ? CUDA : throw new InvalidOperationException(
                "device 'cuda' was requested but CUDA is not available (the libtorch in use is a CPU build: name a CUDA one, such as " +
                "PyTorch's torch/lib, with GenerationPlatform:Models:LibTorch or GENPLAT_LIBTORCH; or no GPU is visible)"),
            Auto => CudaAvailable() ? CUDA : CPU,
            _ => throw new ArgumentException($"device must be '{Auto}', '{Cpu}' or '{Cuda}' (got '{requested}')", nameof(requested)),
        };
    }

    private static bool CudaAvailable()
    {
        try { return cuda.is_available(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException) { return false; }
    }
}
