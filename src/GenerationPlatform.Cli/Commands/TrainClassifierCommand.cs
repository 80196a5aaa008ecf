using System.CommandLine;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class TrainClassifierCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => 10 };
        var seed = new Option<long>("--seed") { Description = "seed for initialization, data order and augmentation", DefaultValueFactory = _ => 1 };
        var outDir = new Option<string>("--out-dir") { Description = "folder for the weights and the feature statistics", DefaultValueFactory = _ => "." };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
        var cmd = new Command("train-classifier", "Train the Fashion-MNIST CNN used by the classifier verifiers, FID and conditional accuracy") { epochs, seed, outDir, data };
        cmd.SetAction((p, ct) =>
        {
            var dir = p.GetValue(outDir)!;
            var weightsPath = Path.Combine(dir, ClassifierFiles.WeightsFileName);
            var statsPath = Path.Combine(dir, ClassifierFiles.StatisticsFileName);
            CliParsing.EnsureWritable(weightsPath, "--out-dir");
            var options = new ClassifierTrainingOptions(Epochs: CliParsing.Positive(p.GetValue(epochs), "--epochs"), Seed: p.GetValue(seed));
            using var train = new DatasetTensors(FashionMnist.Load(train: true, p.GetValue(data)));
            using var test = new DatasetTensors(FashionMnist.Load(train: false, p.GetValue(data)));
            var bar = new ConsoleProgress("train-classifier");
            using var model = ClassifierTrainer.Train(train, test, options,
                e => bar.Report(e.Epoch, e.Epochs, $"loss {e.Loss:F4}  test acc {e.TestAccuracy:P2}  {e.ImagesPerSecond:F0} img/s  {e.Elapsed:hh\\:mm\\:ss}", force: true), ct);
            double accuracy = ClassifierTrainer.Accuracy(model, test);
            var meta = new Dictionary<string, string>
            {
                ["architecture"] = "genplat-fashion-classifier",
                ["test_accuracy"] = accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                ["description"] = $"trained with genplat train-classifier --epochs {options.Epochs} --seed {options.Seed}",
            };
            SafeTensors.SaveModule(weightsPath, model, meta, halfPrecision: true);
            using var reloaded = ClassifierFiles.Load(weightsPath); // statistics of the weights as shipped (float16)
            using var features = ClassifierTrainer.Features(reloaded, train.Images);
            using var stats = FeatureStatistics.Compute(features, train.Labels, FashionMnist.ClassCount);
            stats.Save(statsPath, new Dictionary<string, string> { ["source"] = "Fashion-MNIST training set, penultimate features of " + ClassifierFiles.WeightsFileName });
            Console.WriteLine($"test accuracy {accuracy:P2} (as shipped in float16: {ClassifierTrainer.Accuracy(reloaded, test):P2}); wrote {weightsPath} and {statsPath}");
            return Task.FromResult(0);
        });
        return cmd;
    }
}
