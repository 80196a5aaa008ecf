namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>One GPU as the CUDA driver names it: its ordinal, name, memory and compute capability.</summary>
public sealed record CudaDevice(int Ordinal, string Name, long MemoryBytes, string ComputeCapability)
{
    public override string ToString() => $"cuda:{Ordinal} {Name} ({MemoryBytes / (double)(1L << 30):F1} GiB, sm {ComputeCapability})";
}
