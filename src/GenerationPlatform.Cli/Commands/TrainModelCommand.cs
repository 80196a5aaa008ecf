using System.CommandLine;
using System.Diagnostics;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;

namespace GenerationPlatform.Cli.Commands;

internal static class TrainModelCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "passes over the 60 000 training images", DefaultValueFactory = _ => 12 };
        var batch = new Option<int>("--batch-size") { Description = "images per optimizer step", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "peak AdamW learning rate", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<long>("--seed") { Description = "seed for initialization, data order and noise", DefaultValueFactory = _ => 1 };
        var channels = new Option<int>("--channels") { Description = "base channel count of the UNet", DefaultValueFactory = _ => UNetConfig.Default.BaseChannels };
        var mult = new Option<string>("--multipliers") { Description = "channel multipliers at 28, 14 and 7 pixels", DefaultValueFactory = _ => string.Join(',', UNetConfig.Default.ChannelMultipliers) };
        var checkpoints = new Option<string>("--checkpoint-dir") { Description = "folder for resumable checkpoints", DefaultValueFactory = _ => "checkpoints/velocity-unet" };
        var output = new Option<string>("--out") { Description = "where to write the EMA weights (safetensors, float16)", DefaultValueFactory = _ => "velocity-unet.safetensors" };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
        var cmd = new Command("train-model", "Train the class-conditional flow-matching velocity network on Fashion-MNIST")
        {
            epochs, batch, lr, seed, channels, mult, checkpoints, output, data,
        };
        cmd.SetAction((p, ct) =>
        {
            var multipliers = CliParsing.IntList(p.GetValue(mult)!, "--multipliers", 3);
            var options = new FlowMatchingTrainingOptions
            {
                Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"),
                BatchSize = CliParsing.Positive(p.GetValue(batch), "--batch-size"),
                LearningRate = p.GetValue(lr),
                Seed = p.GetValue(seed),
                Model = new UNetConfig(BaseChannels: CliParsing.Positive(p.GetValue(channels), "--channels"), Multipliers: multipliers),
            };
            var outPath = p.GetValue(output)!;
            CliParsing.EnsureWritable(outPath, "--out");
            using var split = new DatasetTensors(FashionMnist.Load(train: true, p.GetValue(data)));
            var bar = new ConsoleProgress("train-model");
            var clock = Stopwatch.StartNew();
            using var ema = new FlowMatchingTrainer(options, p.GetValue(checkpoints)!).Train(split,
                pr => bar.Report(pr.Step, pr.TotalSteps, $"loss {pr.Loss:F4}  {pr.ImagesPerSecond:F0} img/s  {pr.Elapsed:hh\\:mm\\:ss}"), ct);
            SafeTensors.SaveModule(outPath, ema, VelocityModelFile.Metadata(options.Model, $"trained with genplat train-model, seed {options.Seed}, {options.Epochs} epochs"), halfPrecision: true);
            Console.WriteLine($"wrote {outPath}: {ema.ParameterCount():N0} parameters, {ema.ForwardFlops() / 1e9:F3} GFLOP per forward, this run {clock.Elapsed:hh\\:mm\\:ss}");
            return Task.FromResult(0);
        });
        return cmd;
    }
}
