using System.CommandLine;
using System.Globalization;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Scaling;

/// <summary>eval-model's options, read and checked: images per class, guidance scales, sampler and steps, the model, classifiers and data, the report file.</summary>
internal sealed record EvalModelSettings(int PerClass, float[] Guidance, SamplerKind Sampler, int Steps, ulong Seed, string? ReportPath, string? Model, string? Data,
    string? EvalClassifier)
{
    private static readonly Option<int> perClass = new("--per-class") { Description = "images generated per class", DefaultValueFactory = _ => 1000 };
    private static readonly Option<string> guidance = new("--guidance")
    {
        Description = "comma-separated guidance scales to evaluate", DefaultValueFactory = _ => $"1,{CliModel.DefaultGuidance.ToString(CultureInfo.InvariantCulture)}",
    };
    private static readonly Option<int> steps = new("--steps") { Description = "sampler steps", DefaultValueFactory = _ => 10 };
    private static readonly Option<string> sampler = new("--sampler") { Description = "euler, heun or stochastic", DefaultValueFactory = _ => "heun" };
    private static readonly Option<ulong> seed = new("--seed") { Description = "base seed of the generated images", DefaultValueFactory = _ => 1 };
    private static readonly Option<string?> report = new("--report") { Description = "also write the figures as JSON to this file" };
    private static readonly Option<string?> model = new("--model") { Description = "velocity network weights (default: the shipped model)" };
    private static readonly Option<string?> data = new("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
    private static readonly Option<string?> evalClassifier = new("--eval-classifier")
    {
        Description = "the evaluation classifier's weights (default: the shipped Weights/evaluation-classifier.safetensors)",
    };

    public static IReadOnlyList<Option> Options { get; } = [perClass, guidance, steps, sampler, seed, report, model, data, evalClassifier];

    public static EvalModelSettings Parse(ParseResult p)
    {
        int n = CliParsing.Positive(p.GetValue(perClass), "--per-class");
        int s = CliParsing.Positive(p.GetValue(steps), "--steps");
        var kind = CliParsing.Sampler(p.GetValue(sampler)!);
        var scales = p.GetValue(guidance)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(x => float.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 0
                ? f : throw new CliArgumentException($"--guidance: '{x}' is not a scale >= 0"))
            .ToArray();
        var reportPath = p.GetValue(report);
        if (reportPath is not null) CliParsing.EnsureWritable(reportPath, "--report");
        return new EvalModelSettings(n, scales, kind, s, p.GetValue(seed), reportPath, p.GetValue(model), p.GetValue(data), p.GetValue(evalClassifier));
    }

    /// <summary>Images generated at each guidance scale (every class).</summary>
    public int Images => PerClass * 10;
}
