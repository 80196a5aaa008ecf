using System.CommandLine;
using System.Diagnostics;
using GenerationPlatform.Text;
using GenerationPlatform.Verifiers.Text;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class TrainTextAlignCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "passes over the 60 000 coloured training images", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch-size") { Description = "images (and captions) per InfoNCE batch", DefaultValueFactory = _ => 256 };
        var lr = new Option<double>("--lr") { Description = "peak AdamW learning rate (cosine decay)", DefaultValueFactory = _ => 1e-3 };
        var width = new Option<int>("--width") { Description = "base channel count of the image CNN", DefaultValueFactory = _ => 32 };
        var seed = new Option<long>("--seed") { Description = "seed for initialization, batches and noise", DefaultValueFactory = _ => 1 };
        var minutes = new Option<double?>("--minutes") { Description = "stop after this many minutes of training" };
        var captions = new Option<int>("--captions-per-image") { Description = "captions drawn per training image", DefaultValueFactory = _ => 3 };
        var cacheDir = new Option<string>("--cache-dir") { Description = "folder of the on-disk caption embedding cache", DefaultValueFactory = _ => TrainModelCommand.DefaultCacheDir };
        var limit = new Option<int?>("--limit") { Description = "use only the first N training images (smoke tests)" };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnistFiles.DefaultDirectory})" };
        var output = new Option<string>("--out") { Description = "where to write the encoder (safetensors)", DefaultValueFactory = _ => TextAlignFiles.WeightsFileName };
        var cmd = new Command("train-text-align", "Train the text-align verifier's image encoder CLIP-style against the caption embeddings (docs/TEXT.md)")
        {
            epochs, batch, lr, width, seed, minutes, captions, cacheDir, limit, data, output,
        };
        cmd.SetAction((p, ct) =>
        {
            double? budget = p.GetValue(minutes);
            if (budget is <= 0) throw new CliArgumentException($"--minutes must be positive (got {budget})");
            var outPath = p.GetValue(output)!;
            CliParsing.EnsureWritable(outPath, "--out");
            int k = CliParsing.Positive(p.GetValue(captions), "--captions-per-image");
            var (set, embeddings) = CaptionedTrainingData.Load(p.GetValue(data), k, p.GetValue(cacheDir)!, 2, p.GetValue(limit), ct);
            var options = new TextAlignTrainingOptions
            {
                Width = CliParsing.Positive(p.GetValue(width), "--width"),
                Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"),
                BatchSize = CliParsing.Positive(p.GetValue(batch), "--batch-size"),
                LearningRate = p.GetValue(lr),
                Seed = p.GetValue(seed),
                TimeBudget = budget is { } m ? TimeSpan.FromMinutes(m) : null,
            };
            var bar = new ConsoleProgress("train-text-align");
            var clock = Stopwatch.StartNew();
            using var model = new TextAlignTrainer(options).Train(set.Images, embeddings, set.CaptionIndex, k,
                pr => bar.Report(pr.Step, pr.TotalSteps, $"loss {pr.Loss:F4}  in-batch accuracy {pr.Accuracy:P1}  {pr.Elapsed:hh\\:mm\\:ss}"), ct);
            TextAlignFiles.Save(outPath, model, $"trained with genplat train-text-align on {set.Count} coloured images, seed {options.Seed}");
            Console.WriteLine($"wrote {outPath}: {model.parameters().Sum(t => t.numel()):N0} parameters, this run {clock.Elapsed:hh\\:mm\\:ss}");
            return Task.FromResult(0);
        });
        return cmd;
    }
}
