using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Sampling;

/// <summary>
/// A (guided) velocity field over a batch whose rows each have their own time, condition and guidance,
/// so trajectories of different requests at different times share one model call.
/// </summary>
public interface IVelocityField
{
    /// <summary>The shape of one state (what <see cref="Evaluate"/> takes per row).</summary>
    ImageShape Shape { get; }

    /// <summary>What rows are conditioned on (class labels or prompt embeddings).</summary>
    Conditioning Conditioning { get; }

    /// <summary>Velocity for each row of <paramref name="x"/> [B, C, H, W]; the result has the same shape.</summary>
    Tensor Evaluate(Tensor x, IReadOnlyList<VelocityQuery> rows);

    /// <summary>Single-sample network evaluations so far (a guided row costs 2, an unguided row 1).</summary>
    long ModelEvaluations { get; }

    /// <summary>Batched calls of the network so far.</summary>
    long Calls { get; }
}
