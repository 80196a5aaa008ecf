namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>
/// The libtorch this process runs on: where it came from (the build's own, or a folder such as PyTorch's torch/lib), its
/// version, whether it is a CUDA build and CUDA is available to it, the GPUs the driver sees, and the symbol check it passed.
/// </summary>
public sealed record LibTorchInfo(string Source, string? Folder, string Version, bool CudaBuild, bool CudaAvailable, int CudaDeviceCount,
    string? DriverVersion, IReadOnlyList<CudaDevice> Devices, LibTorchSymbolCheck? Check)
{
    /// <summary>One line for a start-up log.</summary>
    public string Summary()
    {
        var cuda = !CudaBuild ? "CPU build" : CudaAvailable ? $"CUDA available, {CudaDeviceCount} device(s)" : "CUDA build, CUDA not available";
        var gpus = Devices.Count > 0 ? $"; driver CUDA {DriverVersion}: {string.Join(", ", Devices)}" : DriverVersion is null ? "; no CUDA driver" : "; no GPU";
        var check = Check is null ? "" : $"; {Check.Symbols} glue symbols resolve";
        return $"libtorch {Version} ({Source}), {cuda}{gpus}{check}";
    }
}
