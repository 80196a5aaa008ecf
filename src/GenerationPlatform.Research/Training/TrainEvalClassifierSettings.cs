using System.CommandLine;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Training;

/// <summary>train-eval-classifier's options, read and checked: the trainer's options (never the verifiers' seed), the data and the two files.</summary>
internal sealed record TrainEvalClassifierSettings(EvaluationClassifierOptions Training, string? Data, string WeightsPath, string StatisticsPath)
{
    private static readonly EvaluationClassifierOptions defaults = new();
    private static readonly Option<int> epochs = new("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => defaults.Epochs };
    private static readonly Option<long> seed = new("--seed")
    {
        Description = "seed for initialization, data order and augmentation (the verifiers' CNN used 1)", DefaultValueFactory = _ => defaults.Seed,
    };
    private static readonly Option<string> outDir = new("--out-dir") { Description = "folder for the weights and the feature statistics", DefaultValueFactory = _ => "." };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };

    public static IReadOnlyList<Option> Options { get; } = [epochs, seed, outDir, data];

    public static TrainEvalClassifierSettings Parse(ParseResult p)
    {
        var dir = p.GetValue(outDir)!;
        var weightsPath = Path.Combine(dir, EvaluationClassifierFiles.WeightsFileName);
        CliParsing.EnsureWritable(weightsPath, "--out-dir");
        var training = defaults with { Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"), Seed = p.GetValue(seed) };
        if (training.Seed == 1) throw new CliArgumentException("--seed: 1 is the verifiers' classifier's seed; the evaluation classifier must use another");
        return new TrainEvalClassifierSettings(training, p.GetValue(data), weightsPath, Path.Combine(dir, EvaluationClassifierFiles.StatisticsFileName));
    }
}
