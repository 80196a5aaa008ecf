using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>A classifier as the metrics see it: penultimate features and class probabilities of images [N, 1, 28, 28].</summary>
public sealed record MetricsClassifier(string Name, Func<Tensor, Tensor> Features, Func<Tensor, Tensor> Probabilities)
{
    /// <summary>The evaluation classifier, which no verifier uses: the headline metrics.</summary>
    public static MetricsClassifier Evaluation(EvaluationClassifier model) =>
        new("evaluation", x => EvaluationClassifierTrainer.Features(model, x), x => EvaluationClassifierTrainer.Probabilities(model, x));

    /// <summary>The verifiers' CNN (<c>classifier</c>, <c>class-gaussian</c>): the metrics as measured before issue 13, kept for comparison.</summary>
    public static MetricsClassifier VerifierCnn(FashionClassifier model) =>
        new("verifier-cnn", x => ClassifierTrainer.Features(model, x), x =>
        {
            model.eval();
            using var _ = no_grad();
            var parts = new List<Tensor>();
            for (long i = 0; i < x.shape[0]; i += 1000)
                using (var logits = model.forward(x.narrow(0, i, Math.Min(1000, x.shape[0] - i))))
                    parts.Add(nn.functional.softmax(logits, 1));
            var all = cat(parts, 0);
            foreach (var p in parts) p.Dispose();
            return all;
        });
}

/// <summary>What one classifier measures of a generated set, and per image its prediction and p(requested class).</summary>
public sealed record ClassifierMeasurement(double Fid, double InceptionScore, double Precision, double Recall, double ConditionalAccuracy,
    int[] Predicted, double[] RequestedProbability);

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
        return new ClassifierMeasurement(fid, SampleMetrics.InceptionScore(probs), precision, recall, accuracy, predicted, requested);
    }

    public void Dispose()
    {
        testFeatures.Dispose();
        mean.Dispose();
        cov.Dispose();
    }
}
