using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>Sample-quality metrics beyond FID: the Inception-style score and k-NN precision and recall.</summary>
public static class SampleMetrics
{
    /// <summary>
    /// exp(E_x KL(p(y|x) || p(y))) from class probabilities [N, C] (Salimans et al. 2016), with the
    /// project's classifier in the role of InceptionV3. Between 1 and C.
    /// </summary>
    public static double InceptionScore(Tensor probabilities)
    {
        using var scope = NewDisposeScope();
        var p = probabilities.to(ScalarType.Float64).clamp_min(1e-12);
        var marginal = p.mean([0], keepdim: true);
        var kl = (p * (p.log() - marginal.log())).sum(1);
        return Math.Exp(kl.mean().item<double>());
    }

    /// <summary>
    /// Improved precision and recall (Kynkäänniemi et al. 2019): the fraction of generated samples
    /// inside the real manifold (union of k-NN balls around real features), and the fraction of real
    /// samples inside the generated manifold.
    /// </summary>
    public static (double Precision, double Recall) PrecisionRecall(Tensor real, Tensor generated, int k = 3)
    {
        using var scope = NewDisposeScope();
        var r = real.to(ScalarType.Float32);
        var g = generated.to(ScalarType.Float32);
        return (Coverage(r, g, k), Coverage(g, r, k));
    }

    /// <summary>Fraction of <paramref name="queries"/> within the k-NN radius of some point of <paramref name="support"/>.</summary>
    private static double Coverage(Tensor support, Tensor queries, int k)
    {
        if (support.shape[0] <= k) throw new ArgumentException($"need more than k = {k} support points (got {support.shape[0]})");
        var radii = KthNeighbourDistance(support, k);
        long inside = 0;
        for (long i = 0; i < queries.shape[0]; i += 1024)
        {
            using var scope = NewDisposeScope();
            var q = queries.narrow(0, i, Math.Min(1024, queries.shape[0] - i));
            var d = cdist(q, support);                      // [q, s]
            inside += (d <= radii.unsqueeze(0)).any(1).sum().item<long>();
        }
        return inside / (double)queries.shape[0];
    }

    private static Tensor KthNeighbourDistance(Tensor x, int k)
    {
        var parts = new List<Tensor>();
        for (long i = 0; i < x.shape[0]; i += 1024)
        {
            using var scope = NewDisposeScope();
            var d = cdist(x.narrow(0, i, Math.Min(1024, x.shape[0] - i)), x);
            // The k-th neighbour excluding the point itself is at position k of the sorted distances.
            parts.Add(d.topk(k + 1, largest: false).values.select(1, k).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
