using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>
/// A denoising network as a model folder loads it (TorchSharp or ONNX Runtime, CPU or CUDA): one conditional
/// prediction per row, already in our convention (flow-matching velocity, t = 1 is noise; see
/// SEARCH.md section 2). Guidance is not its business: <see cref="Sampling.GuidedVelocityField"/> combines
/// conditional and unconditional rows around it.
/// </summary>
public interface IVelocityNetwork : IDisposable
{
    /// <summary>The shape of the state it denoises (a latent's for latent models).</summary>
    ImageShape Shape { get; }

    Conditioning Conditioning { get; }

    /// <summary>"torchsharp" or "onnx".</summary>
    string Backend { get; }

    /// <summary>Where it runs ("cpu", "cuda").</summary>
    string Device { get; }

    /// <summary>Multiply-add FLOPs (2 per MAC) of one sample's forward pass; 0 when unknown.</summary>
    double ForwardFlops { get; }

    /// <param name="x">[B, C, H, W] float32 states on the CPU.</param>
    /// <param name="t">[B] float32 times in [0, 1].</param>
    /// <param name="condition">
    /// Class models: [B] int64 labels, <see cref="Conditioning.NullLabel"/> for the unconditional branch.
    /// Text models: [B, D] float32 prompt embeddings, all zeros for the unconditional branch.
    /// </param>
    /// <returns>[B, C, H, W] float32 velocities on the CPU. Safe to call from one thread at a time.</returns>
    Tensor Forward(Tensor x, Tensor t, Tensor condition);
}
