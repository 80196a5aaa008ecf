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

    /// <summary>
    /// Measures the field at each batch size on random states (a warm-up call, then calls for
    /// <paramref name="perSize"/>, at least two): rows per second. Runs on the calling thread.
    /// </summary>
    /// <summary>A guided row of the kind real requests send: a class, or a prompt embedding (guided rows cost two model rows).</summary>
    private static VelocityQuery Query(Conditioning conditioning, int i)
    {
        if (!conditioning.IsText) return new VelocityQuery(0.5f, i % conditioning.Classes, 1.5f);
        var embedding = new float[conditioning.EmbeddingSize];
        embedding[i % embedding.Length] = 1f;
        return new VelocityQuery(0.5f, 0, 1.5f, embedding);
    }

    public static IReadOnlyList<Point> Measure(IVelocityField field, IEnumerable<int> sizes, TimeSpan perSize, CancellationToken cancellationToken = default)
    {
        var points = new List<Point>();
        using var _ = no_grad();
        foreach (int b in sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var x = randn(field.Shape.Batch(b));
            var rows = Enumerable.Range(0, b).Select(i => Query(field.Conditioning, i)).ToArray();
            field.Evaluate(x, rows).Dispose();
            var clock = Stopwatch.StartNew();
            int calls = 0;
            do
            {
                field.Evaluate(x, rows).Dispose();
                calls++;
            } while (calls < 2 || clock.Elapsed < perSize);
            points.Add(new Point(b, b * calls / clock.Elapsed.TotalSeconds));
        }
        return points;
    }
}
