using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Verifiers.Classifier;

namespace GenerationPlatform.Research.Scaling;

/// <summary>The FID floors of eval-model, per metrics classifier, from its training-set statistics and a random training subset.</summary>
internal static class FidFloors
{
    /// <param name="statistics">Each reference's training-set feature statistics file, in the references' order.</param>
    /// <param name="images">The generated sets' size: the training subset drawn at random (seed 7) for the floor at equal n.</param>
    public static Dictionary<string, FidFloor> Measure(IReadOnlyList<ClassifierReference> references, IReadOnlyList<string> statistics, DatasetTensors test,
        string? data, int images, TextWriter progress)
    {
        var floors = new Dictionary<string, FidFloor>();
        using var train = new DatasetTensors(FashionMnist.Load(train: true, data));
        using var g = new TorchSharp.torch.Generator(7);
        using var subset = train.Images.index_select(0, TorchSharp.torch.randperm(train.Count, generator: g).narrow(0, 0, Math.Min(images, train.Count)));
        foreach (var (r, statsPath) in references.Zip(statistics))
        {
            using var trainStats = FeatureStatistics.Load(statsPath);
            double floor = FrechetDistance.Compute(trainStats.Overall.Mean, trainStats.Overall.Covariance, r.TestMean, r.TestCovariance);
            using var subsetFeatures = r.Classifier.Features(subset);
            var (m, c) = FeatureStatistics.Moments(subsetFeatures);
            double floorEqualN = FrechetDistance.Compute(m, c, r.TestMean, r.TestCovariance);
            m.Dispose();
            c.Dispose();
            using var testProbabilities = r.Classifier.Probabilities(test.Images);
            using var testPredicted = testProbabilities.argmax(1);
            double testAccuracy = ModelEvaluation.ConditionalAccuracy(testPredicted.data<long>().ToArray(), test.Labels.data<long>().ToArray()).Overall;
            floors[r.Classifier.Name] = new FidFloor(floor, floorEqualN, testAccuracy);
            progress.WriteLine($"{r.Classifier.Name} classifier: test accuracy {testAccuracy:P2}; FID floor (60 000 train vs test) {floor:F3}; "
                + $"at n = {images} train images {floorEqualN:F3}");
        }
        return floors;
    }
}
