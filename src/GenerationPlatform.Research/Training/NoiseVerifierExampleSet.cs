using GenerationPlatform.Evaluation;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.NoiseAware;
using static TorchSharp.torch;

namespace GenerationPlatform.Research.Training;

/// <summary>
/// The examples of the noise-aware head: every capture of every trajectory and its finished image (t = 0), each labelled with
/// its trajectory's final score, with the classifier's log-odds and features of each (the head corrects the classifier, so
/// they are inputs); held out: every tenth trajectory of each class, whole (its captures never train).
/// </summary>
internal static class NoiseVerifierExampleSet
{
    private const int ScoreBatch = 1024;

    public static NoiseAwareExamples Build(NoiseVerifierTrajectories sampled, float[] times, FashionClassifier classifier, CancellationToken ct)
    {
        var (specs, outcomes) = (sampled.Specs, sampled.Outcomes);
        int total = specs.Length, perTrajectory = times.Length + 1, pixels = outcomes[0].State.Length, rows = total * perTrajectory;
        var x0 = new float[(long)rows * pixels];
        var t = new float[rows];
        var labels = new long[rows];
        var trajectories = new long[rows];
        var targets = new float[rows];
        for (int j = 0, row = 0; j < total; j++)
        {
            var captures = outcomes[j].X0Predictions.Select(c => (c.Time, c.Image)).Append((0f, outcomes[j].State)).ToArray();
            if (captures.Length != perTrajectory) throw new InvalidOperationException($"trajectory {j} captured {captures.Length - 1} x0-predictions, expected {times.Length}");
            foreach (var (time, image) in captures)
            {
                for (int k = 0; k < pixels; k++) x0[(long)row * pixels + k] = Math.Clamp(image[k], -1f, 1f);
                (t[row], labels[row], trajectories[row], targets[row]) = (time, specs[j].Label, j, (float)sampled.FinalScores[j]);
                row++;
            }
            outcomes[j] = null!; // copied into x0: let the trajectory go
        }
        var (logOdds, features) = ClassifierInputs(classifier, x0, labels, pixels, ct);
        return new NoiseAwareExamples(tensor(x0, [rows, 1, 28, 28]), tensor(t), tensor(labels), tensor(trajectories), tensor(targets),
            tensor(logOdds), tensor(features, [rows, FashionClassifier.FeatureDim]));
    }

    /// <summary>The examples split into the training set and the held-out trajectories.</summary>
    public static (NoiseAwareExamples Train, NoiseAwareExamples HeldOut) Split(NoiseAwareExamples all)
    {
        using var isHoldout = all.Trajectories.div(ModelEvaluation.ClassCount, rounding_mode: RoundingMode.floor).remainder(10).eq(0);
        using var holdoutIndex = isHoldout.nonzero().squeeze(1);
        using var trainIndex = isHoldout.logical_not().nonzero().squeeze(1);
        return (all.Select(trainIndex), all.Select(holdoutIndex));
    }

    /// <summary>The classifier's log-odds and features of every x0-prediction, in batches.</summary>
    private static (float[] LogOdds, float[] Features) ClassifierInputs(FashionClassifier classifier, float[] x0, long[] labels, int pixels, CancellationToken ct)
    {
        int rows = labels.Length;
        var logOdds = new float[rows];
        var features = new float[(long)rows * FashionClassifier.FeatureDim];
        for (int start = 0; start < rows; start += ScoreBatch)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(ScoreBatch, rows - start);
            using var scope = NewDisposeScope();
            var images = tensor(x0.AsSpan((int)((long)start * pixels), count * pixels).ToArray(), [count, 1, 28, 28]);
            var (l, f) = NoiseAwareRanker.ClassifierInputs(classifier, images, tensor(labels.AsSpan(start, count).ToArray()));
            l.data<float>().CopyTo(logOdds.AsSpan(start, count));
            f.contiguous().data<float>().CopyTo(features.AsSpan((int)((long)start * FashionClassifier.FeatureDim), count * FashionClassifier.FeatureDim));
        }
        return (logOdds, features);
    }
}
