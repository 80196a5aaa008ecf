using System.Diagnostics;
using GenerationPlatform.Diffusion.Sampling;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Serving;

/// <summary>
/// The batch size a device runs most efficiently, measured: rows per second against batch size for
/// a velocity field, and the knee of that curve (the smallest batch within a fraction of the best
/// throughput). Beyond the knee a bigger batch only makes every row wait longer.
/// </summary>
public static class BatchCap
{
    /// <summary>One measured point: rows (trajectory steps) per second at a batch size.</summary>
    public sealed record Point(int Batch, double RowsPerSecond);

    /// <summary>Batch sizes measured by default: powers of two up to 512.</summary>
    public static IReadOnlyList<int> DefaultSizes { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    /// <summary>The smallest batch whose throughput is at least <paramref name="fraction"/> of the best measured.</summary>
    public static int Knee(IReadOnlyList<Point> curve, double fraction = 0.95)
    {
        if (curve.Count == 0) throw new ArgumentException("no measured points", nameof(curve));
        if (!(fraction is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in (0, 1]");
        double best = curve.Max(p => p.RowsPerSecond);
        return curve.Where(p => p.RowsPerSecond >= fraction * best).Min(p => p.Batch);
    }

    /// <summary>A guided row of the kind real requests send: a class, or a prompt embedding (guided rows cost two model rows).</summary>
    private static VelocityQuery Query(Conditioning conditioning, int i)
    {
        if (!conditioning.IsText) return new VelocityQuery(0.5f, i % conditioning.Classes, 1.5f);
        var embedding = new float[conditioning.EmbeddingSize];
        embedding[i % embedding.Length] = 1f;
        return new VelocityQuery(0.5f, 0, 1.5f, embedding);
    }

    /// <summary>
    /// Measures the field at each batch size on random states, smallest first: a warm-up call, then <paramref name="repeats"/>
    /// timings of calls for <paramref name="perSize"/> / repeats each (at least one call), one sample of rows/s per timing. Sizes
    /// past the plateau (<see cref="BatchCapFit.PastThePlateau"/>) are not measured. Runs on the calling thread.
    /// </summary>
    public static IReadOnlyList<Point> Sample(IVelocityField field, IEnumerable<int> sizes, TimeSpan perSize, int repeats = 3, double fraction = 0.95,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var samples = new List<Point>();
        var medians = new List<Point>();
        var perTiming = perSize / repeats;
        using var _ = no_grad();
        foreach (int b in sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var x = randn(field.Shape.Batch(b));
            var rows = Enumerable.Range(0, b).Select(i => Query(field.Conditioning, i)).ToArray();
            field.Evaluate(x, rows).Dispose();
            var mine = new List<Point>(repeats);
            for (int r = 0; r < repeats; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                int calls = 0;
                do
                {
                    field.Evaluate(x, rows).Dispose();
                    calls++;
                } while (clock.Elapsed < perTiming);
                mine.Add(new Point(b, b * calls / clock.Elapsed.TotalSeconds));
            }
            samples.AddRange(mine);
            medians.Add(BatchCapFit.Medians(mine)[0]);
            if (BatchCapFit.PastThePlateau(medians, fraction)) break;
        }
        return samples;
    }

    /// <summary>The cap of the field on this device: <see cref="Sample"/>d, then chosen by <see cref="BatchCapFit.Choose"/>.</summary>
    public static BatchCapChoice Measure(IVelocityField field, IReadOnlyList<int> sizes, TimeSpan perSize, int repeats = 3, int? lastKnown = null,
        CancellationToken cancellationToken = default) =>
        BatchCapFit.Choose(Sample(field, sizes, perSize, repeats, cancellationToken: cancellationToken), lastKnown);

    /// <summary>One call at batch 1 and one at <paramref name="cap"/>: what a model's first requests would otherwise pay (first-call allocations, kernels).</summary>
    public static void WarmUp(IVelocityField field, int cap, CancellationToken cancellationToken = default)
    {
        using var _ = no_grad();
        foreach (int b in cap > 1 ? [1, cap] : new[] { 1 })
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            field.Evaluate(randn(field.Shape.Batch(b)), [.. Enumerable.Range(0, b).Select(i => Query(field.Conditioning, i))]).Dispose();
        }
    }
}
