using System.CommandLine;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// What <c>genplat generate</c> was asked, read from its options in one place. Sampler, steps and guidance left out take
/// the model's own defaults (its manifest's, as the API's requests do), once the model is open.
/// </summary>
internal sealed record GenerateSettings(string? Model, string? Class, string? Prompt, int Count, int? Steps, SamplerKind? Sampler, double? Guidance,
    double Eta, ulong Seed, string? Out, int Scale)
{
    public const int MaxCount = 1024;
    public const int MaxSteps = 1000;

    internal sealed class Options
    {
        public Option<string?> Class { get; } = new("--class") { Description = "class name (e.g. Sneaker, 'ankle boot') or index, for class models" };
        public Option<string?> Prompt { get; } = new("--prompt") { Description = "the prompt, for text models (at most 256 characters)" };
        public Option<int> Count { get; } = new("--count") { Description = $"images to generate (1-{MaxCount})", DefaultValueFactory = _ => 1 };
        public Option<int?> Steps { get; } = new("--steps") { Description = $"sampler steps (1-{MaxSteps}; default: the model's)" };
        public Option<string?> Sampler { get; } = new("--sampler") { Description = "euler, heun or stochastic (default: the model's)" };
        public Option<double?> Cfg { get; } = new("--cfg") { Description = "classifier-free guidance scale, 1 = no guidance (default: the model's)" };
        public Option<double> Eta { get; } = new("--eta") { Description = "noise scale of the stochastic sampler, in [0, 1)", DefaultValueFactory = _ => 0.5 };
        public Option<ulong> Seed { get; } = new("--seed") { Description = "request seed; image i uses noise (seed, round 0, candidate i)", DefaultValueFactory = _ => 1 };
        public Option<string?> Out { get; } = new("--out")
        {
            Description = "PNG to write (a grid when count > 1) with a JSON sidecar next to it (default: genplat-out/MODEL-CONDITION-sSEED.png)",
        };
        public Option<int> Scale { get; } = new("--scale") { Description = "pixel magnification of the PNG (1-16)", DefaultValueFactory = _ => 2 };
        public Option<string?> Model { get; } = new("--model")
        {
            Description = "a model folder, manifest, shipped model name or .safetensors file (default: velocity-unet-onnx; velocity-unet: the same network on TorchSharp)",
        };

        public IEnumerable<Option> All => [Class, Prompt, Count, Steps, Sampler, Cfg, Eta, Seed, Out, Scale, Model];
    }

    public static GenerateSettings Parse(ParseResult p, Options o)
    {
        int count = p.GetValue(o.Count) is var c and >= 1 and <= MaxCount
            ? c : throw new CliArgumentException($"--count: must be between 1 and {MaxCount} (got {p.GetValue(o.Count)})");
        if (p.GetValue(o.Steps) is < 1 or > MaxSteps) throw new CliArgumentException($"--steps: must be between 1 and {MaxSteps} (got {p.GetValue(o.Steps)})");
        if (p.GetValue(o.Cfg) is { } cfg) CliParsing.InRange(cfg, "--cfg", 0, 20);
        double eta = p.GetValue(o.Eta) is var e and >= 0 and < 1 ? e : throw new CliArgumentException($"--eta: must be in [0, 1) (got {p.GetValue(o.Eta)})");
        int scale = p.GetValue(o.Scale) is var s and >= 1 and <= 16 ? s : throw new CliArgumentException($"--scale: must be between 1 and 16 (got {p.GetValue(o.Scale)})");
        var output = p.GetValue(o.Out);
        if (output is not null && !output.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new CliArgumentException($"--out: must name a .png file (got '{output}')");
        return new GenerateSettings(p.GetValue(o.Model), p.GetValue(o.Class), p.GetValue(o.Prompt), count, p.GetValue(o.Steps),
            p.GetValue(o.Sampler) is { } sampler ? CliParsing.Sampler(sampler) : null, p.GetValue(o.Cfg), eta, p.GetValue(o.Seed), output, scale);
    }
}
