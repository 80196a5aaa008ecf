using System.CommandLine;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Training;

/// <summary>train-model's options, read and checked: the trainer's options, the data (captioned with --text) and where the weights go.</summary>
internal sealed record TrainModelSettings(FlowMatchingTrainingOptions Training, string CheckpointDir, string Out, string? Data, bool Text, CaptionSettings? Captions)
{
    private static readonly Option<int> epochs = new("--epochs") { Description = "passes over the 60 000 training images", DefaultValueFactory = _ => 12 };
    private static readonly Option<int> batch = new("--batch-size") { Description = "images per optimizer step", DefaultValueFactory = _ => 128 };
    private static readonly Option<double> lr = new("--lr") { Description = "peak AdamW learning rate", DefaultValueFactory = _ => 1e-3 };
    private static readonly Option<long> seed = new("--seed") { Description = "seed for initialization, data order and noise", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> channels = new("--channels") { Description = "base channel count of the UNet", DefaultValueFactory = _ => UNetConfig.Default.BaseChannels };
    private static readonly Option<string> multipliers = new("--multipliers")
    {
        Description = "channel multipliers at 28, 14 and 7 pixels", DefaultValueFactory = _ => string.Join(',', UNetConfig.Default.ChannelMultipliers),
    };
    private static readonly Option<string> checkpoints = new("--checkpoint-dir")
    {
        Description = "folder for resumable checkpoints", DefaultValueFactory = _ => "checkpoints/velocity-unet",
    };
    private static readonly Option<string> output = new("--out")
    {
        Description = "where to write the EMA weights (safetensors, float16)", DefaultValueFactory = _ => "velocity-unet.safetensors",
    };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
    private static readonly Option<double?> minutes = new("--minutes")
    {
        Description = "stop (with a checkpoint) after this many minutes of training in all, resumed runs included",
    };
    private static readonly Option<bool> text = new("--text") { Description = "train the prompt-conditioned RGB model on coloured Fashion-MNIST with captions (docs/TEXT.md)" };
    private static readonly Option<int> captions = new("--captions-per-image") { Description = "--text: captions drawn per training image", DefaultValueFactory = _ => 3 };
    private static readonly Option<string> cacheDir = new("--cache-dir")
    {
        Description = "--text: folder of the on-disk caption embedding cache", DefaultValueFactory = _ => CaptionSettings.DefaultCacheDir,
    };
    private static readonly Option<int> encodeThreads = new("--encode-threads")
    {
        Description = "--text: sentence-encoder threads for captions not yet cached", DefaultValueFactory = _ => 2,
    };
    private static readonly Option<int?> limit = new("--limit") { Description = "--text: use only the first N training images (for smoke tests)" };
    private static readonly Option<double> dropout = new("--condition-dropout")
    {
        Description = "probability of the null condition per example (label or caption dropout)", DefaultValueFactory = _ => 0.1,
    };
    private static readonly Option<int> checkpointEvery = new("--checkpoint-every") { Description = "optimizer steps between checkpoints", DefaultValueFactory = _ => 1000 };

    public static IReadOnlyList<Option> Options { get; } =
        [epochs, batch, lr, seed, channels, multipliers, checkpoints, output, data, minutes, text, captions, cacheDir, encodeThreads, limit, dropout, checkpointEvery];

    public static TrainModelSettings Parse(ParseResult p)
    {
        var channelMultipliers = CliParsing.IntList(p.GetValue(multipliers)!, "--multipliers", 3);
        bool isText = p.GetValue(text);
        double? budget = p.GetValue(minutes);
        if (budget is <= 0) throw new CliArgumentException($"--minutes must be positive (got {budget})");
        double conditionDropout = p.GetValue(dropout);
        if (conditionDropout is < 0 or >= 1) throw new CliArgumentException($"--condition-dropout must be in [0, 1) (got {conditionDropout})");
        var model = new UNetConfig(BaseChannels: CliParsing.Positive(p.GetValue(channels), "--channels"), Multipliers: channelMultipliers);
        if (isText) model = model with { ImageChannels = ColourFashion.Channels, TextEmbedding = MiniLmTextEncoder.EmbeddingDimension };
        var training = new FlowMatchingTrainingOptions
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
        var captionSettings = isText
            ? new CaptionSettings(CliParsing.Positive(p.GetValue(captions), "--captions-per-image"), p.GetValue(cacheDir)!,
                CliParsing.Positive(p.GetValue(encodeThreads), "--encode-threads"), p.GetValue(limit))
            : null;
        return new TrainModelSettings(training, p.GetValue(checkpoints)!, outPath, p.GetValue(data), isText, captionSettings);
    }
}
