using GenerationPlatform.Core.Model;
using GenerationPlatform.Diffusion.Models;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>
/// The simulated backend: a call of b rows waits <see cref="SimulatedTiming.CallTime"/> of wall time, burning no CPU (the
/// calling thread sleeps, as it would wait on a GPU), and answers zero velocities of the right shape. What it stands in
/// for is a GPU's time per call; what it lets run for real is everything around it (silos, grains, routing, scheduling,
/// gRPC, storage). A capacity-planning tool (docs/SCALING-OUT.md), never a model for tenants.
/// </summary>
public sealed class SimulatedVelocityNetwork(ImageShape shape, Conditioning conditioning, SimulatedTiming timing, double forwardFlops) : IVelocityNetwork
{
    public ImageShape Shape { get; } = shape;

    public Conditioning Conditioning { get; } = conditioning;

    public string Backend => Core.Models.ModelManifest.Simulated;

    public string Device => "simulated";

    /// <summary>The FLOPs the manifest states for the network it stands in for (verifier compute is counted against them).</summary>
    public double ForwardFlops { get; } = forwardFlops;

    public SimulatedTiming Timing { get; } = timing;

    public Tensor Forward(Tensor x, Tensor t, Tensor condition)
    {
        ArgumentNullException.ThrowIfNull(x);
        int rows = (int)x.shape[0];
        Thread.Sleep(Timing.CallTime(rows));
        return zeros_like(x);
    }

    public void Dispose() { }
}
