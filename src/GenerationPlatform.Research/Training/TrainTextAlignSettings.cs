using System.CommandLine;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Text;

namespace GenerationPlatform.Research.Training;

/// <summary>train-text-align's options, read and checked: the trainer's options, the captioned data and the encoder's file.</summary>
internal sealed record TrainTextAlignSettings(TextAlignTrainingOptions Training, CaptionSettings Captions, string? Data, string Out)
{
    private static readonly Option<int> epochs = new("--epochs") { Description = "passes over the 60 000 coloured training images", DefaultValueFactory = _ => 4 };
    private static readonly Option<int> batch = new("--batch-size") { Description = "images (and captions) per InfoNCE batch", DefaultValueFactory = _ => 256 };
    private static readonly Option<double> lr = new("--lr") { Description = "peak AdamW learning rate (cosine decay)", DefaultValueFactory = _ => 1e-3 };
    private static readonly Option<int> width = new("--width") { Description = "base channel count of the image CNN", DefaultValueFactory = _ => 32 };
    private static readonly Option<long> seed = new("--seed") { Description = "seed for initialization, batches and noise", DefaultValueFactory = _ => 1 };
    private static readonly Option<double?> minutes = new("--minutes") { Description = "stop after this many minutes of training" };
    private static readonly Option<int> captions = new("--captions-per-image") { Description = "captions drawn per training image", DefaultValueFactory = _ => 3 };
    private static readonly Option<string> cacheDir = new("--cache-dir")
    {
        Description = "folder of the on-disk caption embedding cache", DefaultValueFactory = _ => CaptionSettings.DefaultCacheDir,
    };
    private static readonly Option<int?> limit = new("--limit") { Description = "use only the first N training images (smoke tests)" };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnistFiles.DefaultDirectory})" };
    private static readonly Option<string> output = new("--out")
    {
        Description = "where to write the encoder (safetensors)", DefaultValueFactory = _ => TextAlignFiles.WeightsFileName,
    };

    public static IReadOnlyList<Option> Options { get; } = [epochs, batch, lr, width, seed, minutes, captions, cacheDir, limit, data, output];

    public static TrainTextAlignSettings Parse(ParseResult p)
    {
        double? budget = p.GetValue(minutes);
        if (budget is <= 0) throw new CliArgumentException($"--minutes must be positive (got {budget})");
        var outPath = p.GetValue(output)!;
        CliParsing.EnsureWritable(outPath, "--out");
        var captionSettings = new CaptionSettings(CliParsing.Positive(p.GetValue(captions), "--captions-per-image"), p.GetValue(cacheDir)!, 2, p.GetValue(limit));
        var training = new TextAlignTrainingOptions
        {
            Width = CliParsing.Positive(p.GetValue(width), "--width"),
            Epochs = CliParsing.Positive(p.GetValue(epochs), "--epochs"),
            BatchSize = CliParsing.Positive(p.GetValue(batch), "--batch-size"),
            LearningRate = p.GetValue(lr),
            Seed = p.GetValue(seed),
            TimeBudget = budget is { } m ? TimeSpan.FromMinutes(m) : null,
        };
        return new TrainTextAlignSettings(training, captionSettings, p.GetValue(data), outPath);
    }
}
