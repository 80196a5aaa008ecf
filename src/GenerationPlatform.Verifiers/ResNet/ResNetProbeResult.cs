using System.Globalization;

namespace GenerationPlatform.Verifiers.ResNet;

public sealed record ResNetProbeResult(ResNetProbeHead Head, double TestAccuracy, double TrainAccuracy, int TrainImages, int TestImages, double FeatureImagesPerSecond,
    TimeSpan Elapsed)
{
    public Dictionary<string, string> Metadata(ResNetProbeOptions options) => new()
    {
        ["architecture"] = "genplat-resnet18-linear-probe",
        ["features"] = "ImageNet ResNet-18, 512-d average pool (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, ResNet18.onnx)",
        ["preprocessing"] = "x in [-1,1] -> (x+1)*127.5, bilinear 28->224, gray to 3 channels, minus ResNetPreprocess.onnx BGR mean image",
        ["test_accuracy"] = TestAccuracy.ToString("F4", CultureInfo.InvariantCulture),
        ["train_accuracy"] = TrainAccuracy.ToString("F4", CultureInfo.InvariantCulture),
        ["train_images"] = TrainImages.ToString(CultureInfo.InvariantCulture),
        ["test_images"] = TestImages.ToString(CultureInfo.InvariantCulture),
        ["description"] = $"trained with genplat-research train-probe --train-images {options.TrainImages} --test-images {options.TestImages} " +
            $"--epochs {options.Epochs} --seed {options.Seed}; class-balanced subsets of Fashion-MNIST train and test",
    };
}
