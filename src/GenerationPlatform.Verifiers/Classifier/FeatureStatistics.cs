using GenerationPlatform.Diffusion.Checkpoints;
using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.Classifier;

/// <summary>Mean and covariance (float64) of feature vectors: one set per class and one over all classes.</summary>
public sealed class FeatureStatistics : IDisposable
{
    public const int AllClasses = -1;
    public Dictionary<int, (Tensor Mean, Tensor Covariance, long Count)> ByClass { get; } = [];

    public (Tensor Mean, Tensor Covariance, long Count) Overall => ByClass[AllClasses];

    /// <summary>Unbiased mean and covariance of the rows of <paramref name="features"/> [N, D].</summary>
    public static (Tensor Mean, Tensor Covariance) Moments(Tensor features)
    {
        using var scope = NewDisposeScope();
        var f = features.to(ScalarType.Float64);
        var mean = f.mean([0]);
        var centered = f - mean;
        var cov = centered.t().matmul(centered) / Math.Max(1, f.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), cov.MoveToOuterDisposeScope());
    }

    public static FeatureStatistics Compute(Tensor features, Tensor labels, int classes)
    {
        var stats = new FeatureStatistics();
        var (m, c) = Moments(features);
        stats.ByClass[AllClasses] = (m, c, features.shape[0]);
        for (int k = 0; k < classes; k++)
        {
            using var idx = nonzero(labels.eq(k)).squeeze(1);
            using var rows = features.index_select(0, idx);
            var (mk, ck) = Moments(rows);
            stats.ByClass[k] = (mk, ck, rows.shape[0]);
        }
        return stats;
    }

    public void Save(string path, IReadOnlyDictionary<string, string> metadata)
    {
        var tensors = new List<(string, Tensor)>();
        var counts = new Dictionary<string, string>(metadata);
        foreach (var (k, (mean, cov, count)) in ByClass)
        {
            string key = k == AllClasses ? "all" : k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // float32 on disk keeps the file small; statistics are used in float64.
            tensors.Add(($"{key}.mean", mean.to(ScalarType.Float32)));
            tensors.Add(($"{key}.covariance", cov.to(ScalarType.Float32)));
            counts[$"count.{key}"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        SafeTensors.Save(path, tensors, counts);
        foreach (var (_, t) in tensors) t.Dispose();
    }

    public static FeatureStatistics Load(string path)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        var stats = new FeatureStatistics();
        foreach (var name in tensors.Keys.Where(n => n.EndsWith(".mean", StringComparison.Ordinal)).ToList())
        {
            var key = name[..^".mean".Length];
            int k = key == "all" ? AllClasses : int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            stats.ByClass[k] = (tensors[name].to(ScalarType.Float64), tensors[key + ".covariance"].to(ScalarType.Float64),
                long.Parse(meta["count." + key], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (!stats.ByClass.ContainsKey(AllClasses)) throw new CheckpointException($"{path}: feature statistics lack the overall ('all') entry");
        return stats;
    }

    public void Dispose()
    {
        foreach (var (m, c, _) in ByClass.Values) { m.Dispose(); c.Dispose(); }
    }
}
