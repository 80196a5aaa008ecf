using System.Globalization;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Classifier;

namespace GenerationPlatform.Research.Training;

/// <summary><c>genplat-research train-classifier</c>: the Fashion-MNIST CNN of the classifier verifiers, and its training-set feature statistics.</summary>
internal static class TrainClassifierCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("train-classifier",
        "Train the Fashion-MNIST CNN used by the classifier verifiers, FID and conditional accuracy", TrainClassifierSettings.Options, (p, ct) =>
        {
            Run(TrainClassifierSettings.Parse(p), ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    public static ClassifierReport Run(TrainClassifierSettings settings, CancellationToken ct)
    {
        using var train = new DatasetTensors(FashionMnist.Load(train: true, settings.Data));
        using var test = new DatasetTensors(FashionMnist.Load(train: false, settings.Data));
        var bar = new ConsoleProgress("train-classifier");
        using var model = ClassifierTrainer.Train(train, test, settings.Training,
            e => bar.Report(e.Epoch, e.Epochs, $"loss {e.Loss:F4}  test acc {e.TestAccuracy:P2}  {e.ImagesPerSecond:F0} img/s  {e.Elapsed:hh\\:mm\\:ss}", force: true), ct);
        double accuracy = ClassifierTrainer.Accuracy(model, test);
        var meta = new Dictionary<string, string>
        {
            ["architecture"] = "genplat-fashion-classifier",
            ["test_accuracy"] = accuracy.ToString("F4", CultureInfo.InvariantCulture),
            ["description"] = $"trained with genplat-research train-classifier --epochs {settings.Training.Epochs} --seed {settings.Training.Seed}",
        };
        SafeTensors.SaveModule(settings.WeightsPath, model, meta, halfPrecision: true);
        using var reloaded = ClassifierFiles.Load(settings.WeightsPath); // statistics of the weights as shipped (float16)
        using var features = ClassifierTrainer.Features(reloaded, train.Images);
        using var stats = FeatureStatistics.Compute(features, train.Labels, FashionMnist.ClassCount);
        stats.Save(settings.StatisticsPath,
            new Dictionary<string, string> { ["source"] = "Fashion-MNIST training set, penultimate features of " + ClassifierFiles.WeightsFileName });
        return new ClassifierReport(accuracy, ClassifierTrainer.Accuracy(reloaded, test), settings.WeightsPath, settings.StatisticsPath);
    }
}
