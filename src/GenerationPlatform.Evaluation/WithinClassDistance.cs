using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// Diversity of a generated set: for each class, the mean Euclidean distance between two different images of it (every
/// unordered pair), averaged over the classes that have at least two images. A search that concentrates on typical,
/// confidently classified items (verifier hacking) lowers it at an equal verifier score. Measured in any space: the
/// evaluation classifier's features, or pixels.
/// </summary>
public static class WithinClassDistance
{
    /// <summary>The distance over rows of <paramref name="points"/> [N, ...] grouped by <paramref name="labels"/> (NaN: no class has two).</summary>
    public static double Mean(Tensor points, IReadOnlyList<long> labels)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        if (points.shape[0] != labels.Count) throw new ArgumentException($"{points.shape[0]} points and {labels.Count} labels");
        using var scope = NewDisposeScope();
        var flat = points.reshape(points.shape[0], -1).to(ScalarType.Float64);
        var perClass = new List<double>();
        foreach (var group in labels.Select((l, i) => (Label: l, Index: (long)i)).GroupBy(x => x.Label))
        {
            var index = group.Select(x => x.Index).ToArray();
            if (index.Length < 2) continue;
            using var inner = NewDisposeScope();
            var x = flat.index_select(0, tensor(index));
            var d = cdist(x, x);
            // The diagonal is zero: the sum over all ordered pairs counts each unordered pair twice.
            perClass.Add(d.sum().item<double>() / (index.Length * (double)(index.Length - 1)));
        }
        return perClass.Count == 0 ? double.NaN : perClass.Average();
    }
}
