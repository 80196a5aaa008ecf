using System.CommandLine;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Classifier;

namespace GenerationPlatform.Research.Training;

/// <summary>train-classifier's options, read and checked: the trainer's options, the data and the two files it writes.</summary>
internal sealed record TrainClassifierSettings(ClassifierTrainingOptions Training, string? Data, string WeightsPath, string StatisticsPath)
{
    private static readonly Option<int> epochs = new("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => 10 };
    private static readonly Option<long> seed = new("--seed") { Description = "seed for initialization, data order and augmentation", DefaultValueFactory = _ => 1 };
    private static readonly Option<string> outDir = new("--out-dir") { Description = "folder for the weights and the feature statistics", DefaultValueFactory = _ => "." };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };

    public static IReadOnlyList<Option> Options { get; } = [epochs, seed, outDir, data];

    public static TrainClassifierSettings Parse(ParseResult p)
    {
        var dir = p.GetValue(outDir)!;
        var weightsPath = Path.Combine(dir, ClassifierFiles.WeightsFileName);
        CliParsing.EnsureWritable(weightsPath, "--out-dir");
        var training = new ClassifierTrainingOptions(Epochs: CliParsing.Positive(p.GetValue(epochs), "--epochs"), Seed: p.GetValue(seed));
        return new TrainClassifierSettings(training, p.GetValue(data), weightsPath, Path.Combine(dir, ClassifierFiles.StatisticsFileName));
    }
}
