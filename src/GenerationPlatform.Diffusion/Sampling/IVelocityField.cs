using GenerationPlatform.Diffusion.Model;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Sampling;

/// <summary>One row of a velocity query: time, class (null label allowed) and guidance scale.</summary>
public readonly record struct VelocityQuery(float T, int Label, float Guidance);

/// <summary>
/// A (guided) velocity field over a batch whose rows each have their own time, class and guidance,
/// so trajectories of different requests at different times share one model call.
/// </summary>
public interface IVelocityField
{
    /// <summary>Velocity for each row of <paramref name="x"/> [B, 1, H, W]; the result has the same shape.</summary>
    Tensor Evaluate(Tensor x, IReadOnlyList<VelocityQuery> rows);

    /// <summary>Single-sample network evaluations so far (a guided row costs 2, an unguided row 1).</summary>
    long ModelEvaluations { get; }

    /// <summary>Batched calls of the network so far.</summary>
    long Calls { get; }
}

/// <summary>
/// Classifier-free guidance around the velocity network: v = v_u + w (v_c - v_u). Rows with w = 1
/// (or the null label) skip the unconditional branch, so guidance costs only where it is used.
/// </summary>
/// <remarks>The network may live on an accelerator: inputs move to its device and velocities come back on the CPU.</remarks>
public sealed class GuidedVelocityField(VelocityUNet model) : IVelocityField
{
    private long modelEvaluations, calls;
    private readonly Device device = model.parameters().First().device;

    public long ModelEvaluations => Interlocked.Read(ref modelEvaluations);
    public long Calls => Interlocked.Read(ref calls);
    public VelocityUNet Model => model;

    public Tensor Evaluate(Tensor x, IReadOnlyList<VelocityQuery> rows)
    {
        int n = rows.Count;
        if (x.shape[0] != n) throw new ArgumentException($"batch has {x.shape[0]} states but {n} queries");
        int nullLabel = model.Config.NullLabel;
        var guided = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (rows[i].Label < 0 || rows[i].Label > nullLabel) throw new ArgumentOutOfRangeException(nameof(rows), $"label {rows[i].Label} outside 0..{nullLabel}");
            if (rows[i].Guidance != 1f && rows[i].Label != nullLabel) guided.Add(i);
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var times = new float[n + guided.Count];
        var labels = new long[n + guided.Count];
        for (int i = 0; i < n; i++) { times[i] = rows[i].T; labels[i] = rows[i].Label; }
        for (int j = 0; j < guided.Count; j++) { times[n + j] = rows[guided[j]].T; labels[n + j] = nullLabel; }
        bool onCpu = device.type == TorchSharp.DeviceType.CPU;
        var xs = onCpu ? x : x.to(device);
        var input = guided.Count == 0 ? xs : cat([xs, xs.index_select(0, tensor(guided.Select(i => (long)i).ToArray(), device: device))], 0);
        var v = model.forward(input, tensor(times, device: device), tensor(labels, device: device));
        Interlocked.Add(ref modelEvaluations, n + guided.Count);
        Interlocked.Increment(ref calls);
        if (guided.Count == 0) return (onCpu ? v : v.cpu()).MoveToOuterDisposeScope();
        var conditional = v.narrow(0, 0, n).clone();
        var unconditional = v.narrow(0, n, guided.Count);
        var idx = tensor(guided.Select(i => (long)i).ToArray(), device: device);
        var w = tensor(guided.Select(i => rows[i].Guidance).ToArray(), device: device).view(-1, 1, 1, 1);
        var vc = conditional.index_select(0, idx);
        conditional.index_copy_(0, idx, unconditional + w * (vc - unconditional));
        return (onCpu ? conditional : conditional.cpu()).MoveToOuterDisposeScope();
    }
}
