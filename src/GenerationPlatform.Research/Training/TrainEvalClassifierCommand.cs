using System.Globalization;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Classifier;

namespace GenerationPlatform.Research.Training;

/// <summary>
/// <c>genplat-research train-eval-classifier</c>: the evaluation classifier (<see cref="EvaluationClassifier"/>): FID, IS,
/// precision/recall and conditional accuracy in eval and eval-model, never a verifier. Training split only; the test split is
/// read once, after training, to report the accuracy.
/// </summary>
internal static class TrainEvalClassifierCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("train-eval-classifier",
        "Train the evaluation classifier: the CNN behind eval's FID, IS, precision/recall and accuracy, which no verifier uses", TrainEvalClassifierSettings.Options, (p, ct) =>
        {
            Run(TrainEvalClassifierSettings.Parse(p), ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    public static ClassifierReport Run(TrainEvalClassifierSettings settings, CancellationToken ct)
    {
        var options = settings.Training;
        using var train = new DatasetTensors(FashionMnist.Load(train: true, settings.Data));
        var bar = new ConsoleProgress("train-eval-classifier");
        using var model = EvaluationClassifierTrainer.Train(train, options,
            e => bar.Report(e.Epoch, e.Epochs, $"loss {e.Loss:F4}  {e.ImagesPerSecond:F0} img/s  {e.Elapsed:hh\\:mm\\:ss}", force: true), ct);
        // Only now, after the last epoch, is the test split read: for the reported accuracy, never for a choice.
        using var test = new DatasetTensors(FashionMnist.Load(train: false, settings.Data));
        double accuracy = EvaluationClassifierTrainer.Accuracy(model, test);
        var meta = new Dictionary<string, string>
        {
            ["architecture"] = EvaluationClassifier.Architecture,
            ["test_accuracy"] = accuracy.ToString("F4", CultureInfo.InvariantCulture),
            ["description"] = "evaluation-only classifier (never a verifier); trained on the Fashion-MNIST training split with "
                + $"genplat-research train-eval-classifier --epochs {options.Epochs} --seed {options.Seed}",
        };
        SafeTensors.SaveModule(settings.WeightsPath, model, meta, halfPrecision: true);
        using var reloaded = EvaluationClassifierFiles.Load(settings.WeightsPath); // statistics of the weights as shipped (float16)
        double shipped = EvaluationClassifierTrainer.Accuracy(reloaded, test);
        using var features = EvaluationClassifierTrainer.Features(reloaded, train.Images);
        using var stats = FeatureStatistics.Compute(features, train.Labels, FashionMnist.ClassCount);
        stats.Save(settings.StatisticsPath,
            new Dictionary<string, string> { ["source"] = "Fashion-MNIST training set, penultimate features of " + EvaluationClassifierFiles.WeightsFileName });
        return new ClassifierReport(accuracy, shipped, settings.WeightsPath, settings.StatisticsPath);
    }
}
