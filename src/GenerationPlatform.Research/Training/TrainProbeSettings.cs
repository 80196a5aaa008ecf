using System.CommandLine;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.ResNet;

namespace GenerationPlatform.Research.Training;

/// <summary>train-probe's options, read and checked: the probe trainer's options, the data and the head's file.</summary>
internal sealed record TrainProbeSettings(ResNetProbeOptions Training, string? Data, string HeadPath)
{
    private static readonly ResNetProbeOptions defaults = new();
    private static readonly Option<int> trainImages = new("--train-images")
    {
        Description = "class-balanced subset of the 60 000 training images to extract ResNet-18 features from (60000 for all)", DefaultValueFactory = _ => defaults.TrainImages,
    };
    private static readonly Option<int> testImages = new("--test-images")
    {
        Description = "class-balanced subset of the 10 000 test images to measure accuracy on (10000 for all)", DefaultValueFactory = _ => defaults.TestImages,
    };
    private static readonly Option<int> epochs = new("--epochs") { Description = "AdamW passes over the extracted training features", DefaultValueFactory = _ => defaults.Epochs };
    private static readonly Option<long> seed = new("--seed") { Description = "seed for the subsets, initialization and data order", DefaultValueFactory = _ => defaults.Seed };
    private static readonly Option<string> outDir = new("--out-dir") { Description = $"folder for {ResNetProbeFiles.WeightsFileName}", DefaultValueFactory = _ => "." };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };

    public static IReadOnlyList<Option> Options { get; } = [trainImages, testImages, epochs, seed, outDir, data];

    public static TrainProbeSettings Parse(ParseResult p)
    {
        var headPath = Path.Combine(p.GetValue(outDir)!, ResNetProbeFiles.WeightsFileName);
        CliParsing.EnsureWritable(headPath, "--out-dir");
        var training = defaults with
        {
            TrainImages = CliParsing.Positive(p.GetValue(trainImages), "--train-images"),
            TestImages = CliParsing.Positive(p.GetValue(testImages), "--test-images"),
            Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"),
            Seed = p.GetValue(seed),
        };
        return new TrainProbeSettings(training, p.GetValue(data), headPath);
    }
}
