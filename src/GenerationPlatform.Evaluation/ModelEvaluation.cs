using System.Diagnostics;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Evaluation;

/// <summary>Generates n images per class and scores them with classifiers (features for FID, predictions for accuracy) against a reference set.</summary>
/// <remarks>
/// Metrics are measured against Fashion-MNIST with Fashion-MNIST classifiers, so the model must be a 1x28x28 class model of
/// Fashion-MNIST's ten classes (<see cref="CheckModel"/>); other models are evaluated by their own commands.
/// </remarks>
public sealed class ModelEvaluation(IVelocityField field, int maxBatch = 256)
{
    public const int ClassCount = FashionMnist.ClassCount;

    /// <summary>Throws when the field's model is not one this evaluation measures (1x28x28, ten classes).</summary>
    public static void CheckModel(IVelocityField field)
    {
        if (field.Shape != new GenerationPlatform.Core.Model.ImageShape(1, FashionMnistSplit.Side, FashionMnistSplit.Side)
            || field.Conditioning.IsText || field.Conditioning.Classes != ClassCount)
            throw new ArgumentException($"this evaluation measures Fashion-MNIST class models (1x28x28, {ClassCount} classes); the model is {field.Shape}, {field.Conditioning}");
    }

    /// <summary>Images [N,1,28,28] in [-1, 1] and their requested labels, generated in chunks.</summary>
    public (Tensor Images, long[] Labels, long Nfe) Generate(GenerationSettings s, Action<long, long>? progress = null, CancellationToken ct = default)
    {
        CheckModel(field);
        int total = s.PerClass * ClassCount, size = field.Shape.Size;
        var images = new float[(long)total * size];
        var labels = new long[total];
        long nfe = 0, done = 0;
        int chunk = Math.Max(maxBatch, 1) * 4;
        for (int start = 0; start < total; start += chunk)
        {
            int n = Math.Min(chunk, total - start);
            var ts = Enumerable.Range(start, n).Select(i =>
                new Trajectory(new TrajectorySpec(new NoiseSeed(s.Seed, 0, (uint)i), i % ClassCount, s.Guidance, s.Sampler, s.Steps), size)).ToList();
            new TrajectorySampler(field, maxBatch).Run(ts, ct);
            for (int k = 0; k < n; k++)
            {
                ts[k].State.CopyTo(images.AsSpan((start + k) * size, size));
                labels[start + k] = ts[k].Spec.Label;
                nfe += ts[k].Nfe;
            }
            done += n;
            progress?.Invoke(done, total);
        }
        var tensorImages = tensor(images, field.Shape.Batch(total)).clamp_(-1, 1);
        return (tensorImages, labels, nfe);
    }

    /// <summary>Generates the set once and scores it with every reference's classifier against its test-set moments.</summary>
    public GenerationMetrics Evaluate(GenerationSettings s, IReadOnlyList<ClassifierReference> references, Action<long, long>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var (images, labels, nfe) = Generate(s, progress, ct);
        clock.Stop();
        using (images)
        {
            var scores = references.Select(r =>
            {
                using var scope = NewDisposeScope();
                var (mean, cov) = FeatureStatistics.Moments(r.Classifier.Features(images));
                double fid = FrechetDistance.Compute(mean, cov, r.TestMean, r.TestCovariance);
                var predicted = r.Classifier.Probabilities(images).argmax(1).data<long>().ToArray();
                var (accuracy, perClass) = ConditionalAccuracy(predicted, labels);
                return new ClassifierScores(r.Classifier.Name, fid, accuracy, perClass);
            }).ToList();
            return new GenerationMetrics(s, scores, nfe, clock.Elapsed);
        }
    }

    /// <summary>How often the predictions agree with the requested class, overall and per class.</summary>
    public static (double Overall, double[] PerClass) ConditionalAccuracy(IReadOnlyList<long> predicted, IReadOnlyList<long> labels)
    {
        var hits = new int[ClassCount];
        var counts = new int[ClassCount];
        for (int i = 0; i < labels.Count; i++)
        {
            counts[labels[i]]++;
            if (predicted[i] == labels[i]) hits[labels[i]]++;
        }
        return (hits.Sum() / (double)labels.Count, hits.Select((h, k) => counts[k] == 0 ? 0 : h / (double)counts[k]).ToArray());
    }
}
