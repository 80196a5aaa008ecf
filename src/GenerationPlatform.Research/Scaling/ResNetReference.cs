using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.ResNet;

namespace GenerationPlatform.Research.Scaling;

/// <summary>The test set's ResNet-18 feature moments, the reference of eval's FD with ResNet-18 features.</summary>
internal static class ResNetReference
{
    /// <summary>Read from the cache, or computed (minutes) and cached.</summary>
    public static FrechetReference Load(ResNet18Features resnet, DatasetTensors test, int count, string cache, CancellationToken ct)
    {
        if (count > test.Count) throw new CliArgumentException($"--fd-resnet-images: the test set has only {test.Count} images (got {count})");
        const int pixels = FashionMnistSplit.Side * FashionMnistSplit.Side;
        var flat = test.Images.data<float>().ToArray();
        var images = Enumerable.Range(0, count).Select(i => flat.AsSpan(i * pixels, pixels).ToArray()).ToArray();
        var bar = new ConsoleProgress("ResNet-18 reference statistics");
        var reference = FrechetReference.ForResNet18(resnet, Path.Combine(ResNet18Features.DefaultModelDirectory, ResNet18Features.ModelFile), images, cache,
            (done, all) => bar.Report(done, all, "test images"), ct);
        Console.Error.WriteLine(reference.LoadedFromCache
            ? $"ResNet-18 reference statistics read from {reference.CacheFile}"
            : $"ResNet-18 reference statistics cached in {reference.CacheFile}");
        return reference;
    }
}
