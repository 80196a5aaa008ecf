using GenerationPlatform.Verifiers.Core;
using static TorchSharp.torch;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Classifier;

/// <summary>
/// `class-gaussian`: the log-density of the CNN's penultimate features under the target class's
/// Gaussian fitted on the training set (the paper's oracle FID verifier, per class).
/// </summary>
public sealed class ClassGaussianVerifier : IImageVerifier, IDisposable
{
    private readonly FashionClassifier model;
    private readonly Tensor[] means, precisions;
    private readonly double[] logNormalizers;
    private readonly VerifierCostMeter meter = new();
    private readonly Lock gate = new();

    public ClassGaussianVerifier(FashionClassifier model, FeatureStatistics statistics, double ridge = 1e-3)
    {
        this.model = model;
        means = new Tensor[10];
        precisions = new Tensor[10];
        logNormalizers = new double[10];
        for (int k = 0; k < 10; k++)
        {
            var (mean, cov, _) = statistics.ByClass[k];
            int d = (int)cov.shape[0];
            // A small ridge keeps the covariance invertible: features are ReLU outputs, some never fire in a class.
            using var reg = cov.to(ScalarType.Float64) + eye(d, dtype: ScalarType.Float64) * ridge;
            means[k] = mean.to(ScalarType.Float64).clone();
            precisions[k] = linalg.inv(reg);
            var (sign, logdet) = linalg.slogdet(reg);
            logNormalizers[k] = -0.5 * (logdet.item<double>() + d * Math.Log(2 * Math.PI));
            sign.Dispose(); logdet.Dispose();
        }
    }

    public string Name => "class-gaussian";

    /// <summary>The CNN's features, then a Mahalanobis distance in 256 dimensions.</summary>
    public double FlopsPerImage => Flops;

    /// <summary>The classifier pass plus the Mahalanobis term.</summary>
    public static double Flops => FashionClassifier.ForwardFlops + 2.0 * FashionClassifier.FeatureDim * FashionClassifier.FeatureDim;
    public VerifierCost Cost => meter.Snapshot;

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        VerifierInputs.CheckLabels(batch, 10);
        if (batch.Count == 0) return [];
        return meter.Measure(batch.Count, () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            Tensor features;
            lock (gate) features = model.Features(VerifierInputs.Stack(batch)).to(ScalarType.Float64);
            var scores = new double[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                int k = batch[i].Label;
                var diff = features[i] - means[k];
                scores[i] = logNormalizers[k] - 0.5 * diff.dot(precisions[k].mv(diff)).item<double>();
            }
            return scores;
        });
    }

    public void Dispose()
    {
        foreach (var t in means.Concat(precisions)) t.Dispose();
    }
}
