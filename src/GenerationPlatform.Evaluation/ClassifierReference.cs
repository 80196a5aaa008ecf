using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// A classifier with the test set's feature moments (for FID) and a fixed random subset of its test features (for
/// precision and recall against as many real images as generated; the subset is drawn with a fixed generator, the same
/// rule as before issue 13, so a change of numbers is the classifier's).
/// </summary>
public sealed class ClassifierReference : IDisposable
{
    private readonly Tensor testFeatures, mean, cov;

    public ClassifierReference(MetricsClassifier classifier, Tensor testImages)
    {
        Classifier = classifier;
        testFeatures = classifier.Features(testImages);
        (mean, cov) = FeatureStatistics.Moments(testFeatures);
    }

    public MetricsClassifier Classifier { get; }

    public Tensor TestMean => mean;
    public Tensor TestCovariance => cov;

    public ClassifierMeasurement Measure(Tensor images, IReadOnlyList<long> labels)
    {
        using var scope = NewDisposeScope();
        long total = images.shape[0];
        if (total != labels.Count) throw new ArgumentException($"{total} images and {labels.Count} labels");
        var features = Classifier.Features(images);
        var probs = Classifier.Probabilities(images);
        var (m, c) = FeatureStatistics.Moments(features);
        double fid = FrechetDistance.Compute(m, c, mean, cov);
        using var g = new Generator(12345);
        var subset = testFeatures.index_select(0, randperm(testFeatures.shape[0], generator: g).narrow(0, 0, Math.Min(total, testFeatures.shape[0])));
        var (precision, recall) = SampleMetrics.PrecisionRecall(subset, features);
        var predicted = probs.argmax(1).data<long>().Select(x => (int)x).ToArray();
        var p = probs.to(ScalarType.Float64).data<double>().ToArray();
        int classes = (int)probs.shape[1];
        var requested = labels.Select((l, i) => p[i * classes + (int)l]).ToArray();
        double accuracy = predicted.Where((k, i) => k == labels[i]).Count() / (double)total;
        return new ClassifierMeasurement(fid, SampleMetrics.InceptionScore(probs), precision, recall, accuracy, predicted, requested,
            Evaluation.WithinClassDistance.Mean(features, labels));
    }

    public void Dispose()
    {
        testFeatures.Dispose();
        mean.Dispose();
        cov.Dispose();
    }
}
