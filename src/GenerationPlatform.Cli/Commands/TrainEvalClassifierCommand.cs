using System.CommandLine;
using System.Globalization;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// Trains the evaluation classifier (<see cref="EvaluationClassifier"/>): FID, IS, precision/recall and conditional
/// accuracy in `genplat eval` and `eval-model`, never a verifier. Training split only; the test split is read once,
/// after training, to report the accuracy.
/// </summary>
internal static class TrainEvalClassifierCommand
{
    public static Command Create()
    {
        var defaults = new EvaluationClassifierOptions();
        var epochs = new Option<int>("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => defaults.Epochs };
        var seed = new Option<long>("--seed") { Description = "seed for initialization, data order and augmentation (the verifiers' CNN used 1)", DefaultValueFactory = _ => defaults.Seed };
        var outDir = new Option<string>("--out-dir") { Description = "folder for the weights and the feature statistics", DefaultValueFactory = _ => "." };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
        var cmd = new Command("train-eval-classifier", "Train the evaluation classifier: the CNN behind eval's FID, IS, precision/recall and accuracy, which no verifier uses")
        {
            epochs, seed, outDir, data,
        };
        cmd.SetAction((p, ct) =>
        {
            var dir = p.GetValue(outDir)!;
            var weightsPath = Path.Combine(dir, EvaluationClassifierFiles.WeightsFileName);
            var statsPath = Path.Combine(dir, EvaluationClassifierFiles.StatisticsFileName);
            CliParsing.EnsureWritable(weightsPath, "--out-dir");
            var options = defaults with { Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"), Seed = p.GetValue(seed) };
            if (options.Seed == 1) throw new CliArgumentException("--seed: 1 is the verifiers' classifier's seed; the evaluation classifier must use another");
            using var train = new DatasetTensors(FashionMnist.Load(train: true, p.GetValue(data)));
            var bar = new ConsoleProgress("train-eval-classifier");
            using var model = EvaluationClassifierTrainer.Train(train, options,
                e => bar.Report(e.Epoch, e.Epochs, $"loss {e.Loss:F4}  {e.ImagesPerSecond:F0} img/s  {e.Elapsed:hh\\:mm\\:ss}", force: true), ct);
            // Only now, after the last epoch, is the test split read: for the reported accuracy, never for a choice.
            using var test = new DatasetTensors(FashionMnist.Load(train: false, p.GetValue(data)));
            double accuracy = EvaluationClassifierTrainer.Accuracy(model, test);
            var meta = new Dictionary<string, string>
            {
                ["architecture"] = EvaluationClassifier.Architecture,
                ["test_accuracy"] = accuracy.ToString("F4", CultureInfo.InvariantCulture),
                ["description"] = $"evaluation-only classifier (never a verifier); trained on the Fashion-MNIST training split with genplat train-eval-classifier --epochs {options.Epochs} --seed {options.Seed}",
            };
            SafeTensors.SaveModule(weightsPath, model, meta, halfPrecision: true);
            using var reloaded = EvaluationClassifierFiles.Load(weightsPath); // statistics of the weights as shipped (float16)
            double shipped = EvaluationClassifierTrainer.Accuracy(reloaded, test);
            using var features = EvaluationClassifierTrainer.Features(reloaded, train.Images);
            using var stats = FeatureStatistics.Compute(features, train.Labels, FashionMnist.ClassCount);
            stats.Save(statsPath, new Dictionary<string, string> { ["source"] = "Fashion-MNIST training set, penultimate features of " + EvaluationClassifierFiles.WeightsFileName });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {accuracy:P2} (as shipped in float16: {shipped:P2}); wrote {weightsPath} and {statsPath}"));
            return Task.FromResult(0);
        });
        return cmd;
    }
}
