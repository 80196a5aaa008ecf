using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.ResNet;

namespace GenerationPlatform.Research.Training;

/// <summary><c>genplat-research train-probe</c>: the linear head on ImageNet ResNet-18 features of the resnet-probe verifier.</summary>
internal static class TrainProbeCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("train-probe",
        "Train the linear head on ImageNet ResNet-18 features used by the resnet-probe verifier", TrainProbeSettings.Options, (p, ct) =>
        {
            Run(TrainProbeSettings.Parse(p), ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    public static TrainProbeReport Run(TrainProbeSettings settings, CancellationToken ct)
    {
        var train = FashionMnist.Load(train: true, settings.Data);
        var test = FashionMnist.Load(train: false, settings.Data);
        using var resnet = new ResNet18Features();
        var bars = new Dictionary<string, ConsoleProgress>();
        var result = ResNetProbeTrainer.Train(resnet, train, test, settings.Training, e =>
        {
            if (!bars.TryGetValue(e.Stage, out var bar)) bars[e.Stage] = bar = new ConsoleProgress($"train-probe {e.Stage}");
            bar.Report(e.Done, e.Total, e.Detail, force: e.Stage == "fit");
        }, ct);
        using var head = result.Head;
        SafeTensors.SaveModule(settings.HeadPath, head, result.Metadata(settings.Training));
        return new TrainProbeReport(result.TestAccuracy, result.TestImages, result.TrainAccuracy, result.TrainImages, result.FeatureImagesPerSecond, result.Elapsed,
            settings.HeadPath);
    }
}
