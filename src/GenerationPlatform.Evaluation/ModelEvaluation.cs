using System.Diagnostics;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

public sealed record GenerationSettings(float Guidance, SamplerKind Sampler, int Steps, int PerClass, ulong Seed);

public sealed record GenerationMetrics(GenerationSettings Settings, double Fid, double ConditionalAccuracy, double[] PerClassAccuracy, long Nfe, TimeSpan SamplingTime);

/// <summary>Generates n images per class and scores them with the project's classifier against a reference set.</summary>
/// <remarks>
/// Metrics are measured against Fashion-MNIST with its classifier, so the model must be a 1x28x28 class model of
/// Fashion-MNIST's ten classes (<see cref="CheckModel"/>); other models are evaluated by their own commands.
/// </remarks>
public sealed class ModelEvaluation(IVelocityField field, FashionClassifier classifier, int maxBatch = 256)
{
    public const int ClassCount = FashionMnist.ClassCount;

    /// <summary>Throws when the field's model is not one this evaluation measures (1x28x28, ten classes).</summary>
    public static void CheckModel(IVelocityField field)
    {
        if (field.Shape != new Diffusion.Model.ImageShape(1, FashionMnistSplit.Side, FashionMnistSplit.Side) || field.Conditioning.IsText || field.Conditioning.Classes != ClassCount)
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

    public GenerationMetrics Evaluate(GenerationSettings s, Tensor referenceMean, Tensor referenceCov, Action<long, long>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var (images, labels, nfe) = Generate(s, progress, ct);
        clock.Stop();
        using (images)
        {
            using var features = ClassifierTrainer.Features(classifier, images);
            var (mean, cov) = FeatureStatistics.Moments(features);
            double fid = FrechetDistance.Compute(mean, cov, referenceMean, referenceCov);
            mean.Dispose(); cov.Dispose();
            var (accuracy, perClass) = ConditionalAccuracy(images, labels);
            return new GenerationMetrics(s, fid, accuracy, perClass, nfe, clock.Elapsed);
        }
    }

    /// <summary>How often the classifier agrees with the requested class, overall and per class.</summary>
    public (double Overall, double[] PerClass) ConditionalAccuracy(Tensor images, long[] labels)
    {
        var predicted = new long[labels.Length];
        using (no_grad())
        {
            classifier.eval();
            for (int i = 0; i < labels.Length; i += 1000)
            {
                int n = Math.Min(1000, labels.Length - i);
                using var scope = NewDisposeScope();
                classifier.forward(images.narrow(0, i, n)).argmax(1).data<long>().ToArray().CopyTo(predicted, i);
            }
        }
        var hits = new int[ClassCount];
        var counts = new int[ClassCount];
        for (int i = 0; i < labels.Length; i++)
        {
            counts[labels[i]]++;
            if (predicted[i] == labels[i]) hits[labels[i]]++;
        }
        return (hits.Sum() / (double)labels.Length, hits.Select((h, k) => counts[k] == 0 ? 0 : h / (double)counts[k]).ToArray());
    }
}
