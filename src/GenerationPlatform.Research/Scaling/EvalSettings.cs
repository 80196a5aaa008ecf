using System.CommandLine;
using System.Globalization;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Scaling;

/// <summary>
/// eval's options, read and checked: the output folder, the model and ONNX verifiers, and what to measure (null with
/// --report-only, which redraws the report from the folder's scaling.csv).
/// </summary>
internal sealed record EvalSettings(string Out, string? Model, IReadOnlyDictionary<string, OnnxVerifierSpec> OnnxVerifiers, EvalPlan? Plan)
{
    private static readonly Option<string> series = new("--series")
    {
        Description = "comma-separated curves: steps, or ALGORITHM:VERIFIER (e.g. random:classifier)", DefaultValueFactory = _ => "steps,random:classifier",
    };
    private static readonly Option<string> budgets = new("--budgets") { Description = "extra candidates' worth of search NFE per point", DefaultValueFactory = _ => "0,1,3,7,15" };
    private static readonly Option<int> perClass = new("--per-class") { Description = "images per class per point", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> steps = new("--steps") { Description = "sampler steps of one candidate", DefaultValueFactory = _ => 10 };
    private static readonly Option<double> cfg = new("--cfg")
    {
        Description = "classifier-free guidance scale of every sample", DefaultValueFactory = _ => CliModel.DefaultGuidance,
    };
    private static readonly Option<ulong> seed = new("--seed")
    {
        Description = "base seed of the images (each point and series shares the same noises)", DefaultValueFactory = _ => 1,
    };
    private static readonly Option<string> outDir = new("--out")
    {
        Description = "folder for scaling.csv and scaling-images.csv (merged with earlier runs), scaling.md, scaling-comparisons.md and the plots",
        DefaultValueFactory = _ => "docs/results",
    };
    private static readonly Option<string?> evalClassifier = new("--eval-classifier")
    {
        Description = "the evaluation classifier's weights (default: the shipped Weights/evaluation-classifier.safetensors)",
    };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
    private static readonly Option<bool> fdResNet = new("--fd-resnet")
    {
        Description = "also compute FD with ResNet-18 features (about 50 images/s on a CPU; the test set's reference statistics are computed once and cached)",
    };
    private static readonly Option<int> fdImages = new("--fd-resnet-images")
    {
        Description = "test images in the ResNet-18 reference statistics (the first N)", DefaultValueFactory = _ => 10_000,
    };
    private static readonly Option<string> fdCache = new("--fd-resnet-cache")
    {
        Description = "folder for cached reference statistics", DefaultValueFactory = _ => DefaultReferenceCache,
    };
    private static readonly Option<string[]> onnx = OnnxVerifierOption.Create();
    private static readonly Option<string?> model = new("--model")
    {
        Description = "class model to search with (default: the shipped model); points of different models belong in different --out folders",
    };
    private static readonly Option<bool> reportOnly = new("--report-only") { Description = "run nothing: redraw scaling.md and the plots from the --out folder's scaling.csv" };

    public static IReadOnlyList<Option> Options { get; } =
        [series, budgets, perClass, steps, cfg, seed, outDir, data, fdResNet, fdImages, fdCache, onnx, model, reportOnly, evalClassifier];

    public static string DefaultReferenceCache =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "genplat", "fd-reference");

    public static EvalSettings Parse(ParseResult p)
    {
        var dir = p.GetValue(outDir)!;
        if (p.GetValue(reportOnly))
        {
            if (!File.Exists(Path.Combine(dir, ScalingFolder.PointsFile))) throw new CliArgumentException($"--out: no {ScalingFolder.PointsFile} in '{dir}' to report");
            return new EvalSettings(dir, p.GetValue(model), OnnxVerifierOption.Parse(p.GetValue(onnx)), null);
        }
        var curves = SplitTopLevel(p.GetValue(series)!).Select(s =>
        {
            try { return ScalingSeries.Parse(s); }
            catch (ArgumentException e) { throw new CliArgumentException($"--series: {e.Message}"); }
        }).ToArray();
        var extras = p.GetValue(budgets)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= 1024 ? v
                : throw new CliArgumentException($"--budgets: '{x}' is not a count of extra candidates (0-1024)")).ToArray();
        var scaling = new ScalingSettings(CliParsing.Positive(p.GetValue(perClass), "--per-class"), extras, CliParsing.Positive(p.GetValue(steps), "--steps"),
            SamplerKind.Heun, (float)CliParsing.InRange(p.GetValue(cfg), "--cfg", 0, 20), p.GetValue(seed));
        int fdCount = p.GetValue(fdImages) is var n and >= 2 and <= 10_000 ? n
            : throw new CliArgumentException($"--fd-resnet-images must be between 2 and 10000 (got {p.GetValue(fdImages)})");
        var onnxVerifiers = OnnxVerifierOption.Parse(p.GetValue(onnx));
        CliParsing.EnsureWritable(Path.Combine(dir, ScalingFolder.PointsFile), "--out");
        var plan = new EvalPlan(curves, scaling, p.GetValue(evalClassifier), p.GetValue(data), p.GetValue(fdResNet) ? fdCount : null, p.GetValue(fdCache)!);
        return new EvalSettings(dir, p.GetValue(model), onnxVerifiers, plan);
    }

    /// <summary>Splits on commas outside parentheses, so `random:ensemble(a,b)` stays one series.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '(') depth++;
            else if (i < text.Length && text[i] == ')') depth--;
            else if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var part = text[start..i].Trim();
                if (part.Length > 0) yield return part;
                start = i + 1;
            }
        }
    }
}
