using System.CommandLine;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Text;
using GenerationPlatform.Text.Training;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Training;

/// <summary>tune-text-projection's options, read and checked: the text model's weights, the tuning and the captions it keeps in place.</summary>
internal sealed record TuneTextProjectionSettings(string Weights, string Out, int PerSynonym, TextProjectionTuningOptions Tuning, CaptionSettings Captions, string? Data)
{
    private static readonly Option<string> weights = new("--weights")
    {
        Description = "the text model's weights (.safetensors)", DefaultValueFactory = _ => Path.Combine("models", "fashion-text", "velocity-text.safetensors"),
    };
    private static readonly Option<string> output = new("--out") { Description = "where to write the tuned weights (may be --weights itself)", Required = true };
    private static readonly Option<int> perSynonym = new("--per-synonym") { Description = "caption pairs per synonym", DefaultValueFactory = _ => 60 };
    private static readonly Option<int> steps = new("--steps") { Description = "optimisation steps", DefaultValueFactory = _ => 2_000 };
    private static readonly Option<int> rank = new("--rank")
    {
        Description = "0: tune the whole projection; above 0: a low-rank update of its first layer only", DefaultValueFactory = _ => 0,
    };
    private static readonly Option<double> anchorWeight = new("--anchor-weight")
    {
        Description = "weight of keeping the training captions' projections", DefaultValueFactory = _ => 1.0,
    };
    private static readonly Option<int> captions = new("--captions-per-image")
    {
        Description = "training captions per image (as the model was trained with)", DefaultValueFactory = _ => 3,
    };
    private static readonly Option<string> cacheDir = new("--cache-dir")
    {
        Description = "folder of the on-disk caption embedding cache", DefaultValueFactory = _ => CaptionSettings.DefaultCacheDir,
    };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnistFiles.DefaultDirectory})" };
    private static readonly Option<int?> limit = new("--limit") { Description = "use only the first N training images' captions as anchors (smoke tests)" };
    private static readonly Option<long> seed = new("--seed") { Description = "seed of the caption pairs and of the tuning", DefaultValueFactory = _ => 1 };

    public static IReadOnlyList<Option> Options { get; } = [weights, output, perSynonym, steps, rank, anchorWeight, captions, cacheDir, data, limit, seed];

    public static TuneTextProjectionSettings Parse(ParseResult p)
    {
        var inPath = p.GetValue(weights)!;
        var outPath = p.GetValue(output)!;
        CliParsing.EnsureWritable(outPath, "--out");
        int pairsPer = CliParsing.InRange(CliParsing.Positive(p.GetValue(perSynonym), "--per-synonym"), "--per-synonym", 1, SynonymCaptions.MaxPerSynonym);
        int stepCount = CliParsing.InRange(CliParsing.Positive(p.GetValue(steps), "--steps"), "--steps", 1, TextProjectionTuner.MaxSteps);
        double weight = CliParsing.InRange(p.GetValue(anchorWeight), "--anchor-weight", 0, 1_000);
        int rankValue = CliParsing.InRange(p.GetValue(rank), "--rank", 0, 128);
        if (!File.Exists(inPath)) throw new CliArgumentException($"--weights: {inPath} does not exist");
        var tuning = new TextProjectionTuningOptions(Steps: stepCount, AnchorWeight: weight, Seed: p.GetValue(seed), Rank: rankValue);
        var captionSettings = new CaptionSettings(CliParsing.Positive(p.GetValue(captions), "--captions-per-image"), p.GetValue(cacheDir)!, 2, p.GetValue(limit));
        return new TuneTextProjectionSettings(inPath, outPath, pairsPer, tuning, captionSettings, p.GetValue(data));
    }
}
