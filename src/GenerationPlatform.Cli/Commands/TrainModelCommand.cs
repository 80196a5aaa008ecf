using System.CommandLine;
using System.Diagnostics;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Text;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class TrainModelCommand
{
    /// <summary>Default folder of the on-disk caption embedding cache.</summary>
    public const string DefaultCacheDir = "/tmp/genplat-text-cache";

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
        var minutes = new Option<double?>("--minutes") { Description = "stop (with a checkpoint) after this many minutes of training in all, resumed runs included" };
        var text = new Option<bool>("--text") { Description = "train the prompt-conditioned RGB model on coloured Fashion-MNIST with captions (docs/TEXT.md)" };
        var captions = new Option<int>("--captions-per-image") { Description = "--text: captions drawn per training image", DefaultValueFactory = _ => 3 };
        var cacheDir = new Option<string>("--cache-dir") { Description = "--text: folder of the on-disk caption embedding cache", DefaultValueFactory = _ => DefaultCacheDir };
        var encodeThreads = new Option<int>("--encode-threads") { Description = "--text: sentence-encoder threads for captions not yet cached", DefaultValueFactory = _ => 2 };
        var limit = new Option<int?>("--limit") { Description = "--text: use only the first N training images (for smoke tests)" };
        var dropout = new Option<double>("--condition-dropout") { Description = "probability of the null condition per example (label or caption dropout)", DefaultValueFactory = _ => 0.1 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "optimizer steps between checkpoints", DefaultValueFactory = _ => 1000 };
        var cmd = new Command("train-model", "Train the flow-matching velocity network on Fashion-MNIST: class-conditional, or with --text prompt-conditioned RGB")
        {
            epochs, batch, lr, seed, channels, mult, checkpoints, output, data, minutes, text, captions, cacheDir, encodeThreads, limit, dropout, checkpointEvery,
        };
        cmd.SetAction((p, ct) =>
        {
            var multipliers = CliParsing.IntList(p.GetValue(mult)!, "--multipliers", 3);
            bool isText = p.GetValue(text);
            double? budget = p.GetValue(minutes);
            if (budget is <= 0) throw new CliArgumentException($"--minutes must be positive (got {budget})");
            double conditionDropout = p.GetValue(dropout);
            if (conditionDropout is < 0 or >= 1) throw new CliArgumentException($"--condition-dropout must be in [0, 1) (got {conditionDropout})");
            var model = new UNetConfig(BaseChannels: CliParsing.Positive(p.GetValue(channels), "--channels"), Multipliers: multipliers);
            if (isText) model = model with { ImageChannels = ColourFashion.Channels, TextEmbedding = MiniLmTextEncoder.EmbeddingDimension };
            var options = new FlowMatchingTrainingOptions
            {
                Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"),
                BatchSize = CliParsing.Positive(p.GetValue(batch), "--batch-size"),
                LearningRate = p.GetValue(lr),
                Seed = p.GetValue(seed),
                LabelDropout = conditionDropout,
                CheckpointEverySteps = CliParsing.Positive(p.GetValue(checkpointEvery), "--checkpoint-every"),
                TimeBudget = budget is { } m ? TimeSpan.FromMinutes(m) : null,
                Model = model,
            };
            var outPath = p.GetValue(output)!;
            CliParsing.EnsureWritable(outPath, "--out");
            using var split = isText
                ? LoadCaptioned(p.GetValue(data), CliParsing.Positive(p.GetValue(captions), "--captions-per-image"), p.GetValue(cacheDir)!,
                    CliParsing.Positive(p.GetValue(encodeThreads), "--encode-threads"), p.GetValue(limit), ct)
                : new DatasetTensors(FashionMnist.Load(train: true, p.GetValue(data)));
            var bar = new ConsoleProgress("train-model");
            var clock = Stopwatch.StartNew();
            using var ema = new FlowMatchingTrainer(options, p.GetValue(checkpoints)!).Train(split,
                pr => bar.Report(pr.Step, pr.TotalSteps, $"loss {pr.Loss:F4}  {pr.ImagesPerSecond:F0} img/s  {pr.Elapsed:hh\\:mm\\:ss}"), ct);
            var what = isText ? $"prompt-conditioned RGB on coloured Fashion-MNIST ({MiniLmTextEncoder.EncoderName})" : "class-conditional";
            SafeTensors.SaveModule(outPath, ema, VelocityModelFile.Metadata(options.Model, $"trained with genplat train-model, {what}, seed {options.Seed}"), halfPrecision: true);
            Console.WriteLine($"wrote {outPath}: {ema.ParameterCount():N0} parameters, {ema.ForwardFlops() / 1e9:F3} GFLOP per forward, this run {clock.Elapsed:hh\\:mm\\:ss}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    /// <summary>Coloured Fashion-MNIST with its captions' embeddings, as tensors.</summary>
    private static DatasetTensors LoadCaptioned(string? dataDir, int captionsPerImage, string cacheDir, int threads, int? limit, CancellationToken ct)
    {
        var (set, flat) = CaptionedTrainingData.Load(dataDir, captionsPerImage, cacheDir, threads, limit, ct);
        return new DatasetTensors(set.Images, new ImageShape(ColourFashion.Channels, ColourFashion.Side, ColourFashion.Side), set.Classes, flat,
            MiniLmTextEncoder.EmbeddingDimension, set.CaptionIndex, captionsPerImage);
    }
}
