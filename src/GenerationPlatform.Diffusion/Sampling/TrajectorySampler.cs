using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Diffusion.Sampling;

/// <summary>
/// Advances trajectories with batched model calls: every call takes the pending query of up to
/// <c>maxBatch</c> active trajectories, whatever their time, stage, condition or guidance.
/// </summary>
public sealed class TrajectorySampler(IVelocityField velocityField, int maxBatch = 256)
{
    public IVelocityField Field => velocityField;

    /// <summary>A trajectory of this sampler's model.</summary>
    public Trajectory Create(TrajectorySpec spec) => new(spec, velocityField.Shape.Size);

    /// <summary>One model call over the given (active) trajectories.</summary>
    public void Step(IReadOnlyList<Trajectory> batch)
    {
        if (batch.Count == 0) return;
        var shape = velocityField.Shape;
        int n = shape.Size;
        var input = new float[batch.Count * n];
        var rows = new VelocityQuery[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            var (point, t) = batch[i].NextQuery();
            point.CopyTo(input, i * n);
            rows[i] = new VelocityQuery(t, batch[i].Spec.Label, batch[i].Spec.Guidance, batch[i].Spec.Embedding);
        }
        float[] velocity;
        using (var x = tensor(input, shape.Batch(batch.Count)))
        using (var v = velocityField.Evaluate(x, rows))
            velocity = v.contiguous().data<float>().ToArray();
        for (int i = 0; i < batch.Count; i++) batch[i].Advance(velocity.AsSpan(i * n, n));
    }

    /// <summary>Integrates all trajectories to their end; cancellation is honoured between model calls.</summary>
    public void Run(IReadOnlyList<Trajectory> trajectories, CancellationToken cancellationToken = default, Action<long, long>? progress = null)
    {
        long total = trajectories.Sum(t => (long)t.Spec.Nfe - t.Nfe), done = 0;
        var active = trajectories.Where(t => !t.IsDone).ToList();
        while (active.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = active.Count <= maxBatch ? active : active.GetRange(0, maxBatch);
            Step(batch);
            done += batch.Count;
            progress?.Invoke(done, total);
            // Finished trajectories leave; the rest rotate so no trajectory waits behind a full batch twice.
            var next = active.Skip(batch.Count).Concat(batch).Where(t => !t.IsDone).ToList();
            active = next;
        }
    }
}
