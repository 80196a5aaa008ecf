using System.CommandLine;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Verifiers.ResNet;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class TrainProbeCommand
{
    public static Command Create()
    {
        var defaults = new ResNetProbeOptions();
        var trainImages = new Option<int>("--train-images") { Description = "class-balanced subset of the 60 000 training images to extract ResNet-18 features from (60000 for all)", DefaultValueFactory = _ => defaults.TrainImages };
        var testImages = new Option<int>("--test-images") { Description = "class-balanced subset of the 10 000 test images to measure accuracy on (10000 for all)", DefaultValueFactory = _ => defaults.TestImages };
        var epochs = new Option<int>("--epochs") { Description = "AdamW passes over the extracted training features", DefaultValueFactory = _ => defaults.Epochs };
        var seed = new Option<long>("--seed") { Description = "seed for the subsets, initialization and data order", DefaultValueFactory = _ => defaults.Seed };
        var outDir = new Option<string>("--out-dir") { Description = $"folder for {ResNetProbeFiles.WeightsFileName}", DefaultValueFactory = _ => "." };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
        var cmd = new Command("train-probe", "Train the linear head on ImageNet ResNet-18 features used by the resnet-probe verifier")
        {
            trainImages, testImages, epochs, seed, outDir, data,
        };
        cmd.SetAction((p, ct) =>
        {
            var headPath = Path.Combine(p.GetValue(outDir)!, ResNetProbeFiles.WeightsFileName);
            CliParsing.EnsureWritable(headPath, "--out-dir");
            var options = defaults with
            {
                TrainImages = CliParsing.Positive(p.GetValue(trainImages), "--train-images"),
                TestImages = CliParsing.Positive(p.GetValue(testImages), "--test-images"),
                Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"),
                Seed = p.GetValue(seed),
            };
            var train = FashionMnist.Load(train: true, p.GetValue(data));
            var test = FashionMnist.Load(train: false, p.GetValue(data));
            using var resnet = new ResNet18Features();
            var bars = new Dictionary<string, ConsoleProgress>();
            var result = ResNetProbeTrainer.Train(resnet, train, test, options, e =>
            {
                if (!bars.TryGetValue(e.Stage, out var bar)) bars[e.Stage] = bar = new ConsoleProgress($"train-probe {e.Stage}");
                bar.Report(e.Done, e.Total, e.Detail, force: e.Stage == "fit");
            }, ct);
            using var head = result.Head;
            SafeTensors.SaveModule(headPath, head, result.Metadata(options));
            Console.WriteLine($"test accuracy {result.TestAccuracy:P2} on {result.TestImages} test images (train accuracy {result.TrainAccuracy:P2} on {result.TrainImages}); " +
                $"ResNet-18 features at {result.FeatureImagesPerSecond:F1} images/s; {result.Elapsed:hh\\:mm\\:ss}; wrote {headPath}");
            return Task.FromResult(0);
        });
        return cmd;
    }
}
