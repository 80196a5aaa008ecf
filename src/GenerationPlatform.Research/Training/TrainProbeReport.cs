namespace GenerationPlatform.Research.Training;

/// <summary>What train-probe measured and wrote.</summary>
internal sealed record TrainProbeReport(double TestAccuracy, int TestImages, double TrainAccuracy, int TrainImages, double FeatureImagesPerSecond, TimeSpan Elapsed,
    string HeadPath)
{
    public void Write(TextWriter output) =>
        output.WriteLine($"test accuracy {TestAccuracy:P2} on {TestImages} test images (train accuracy {TrainAccuracy:P2} on {TrainImages}); " +
            $"ResNet-18 features at {FeatureImagesPerSecond:F1} images/s; {Elapsed:hh\\:mm\\:ss}; wrote {HeadPath}");
}
