using System.CommandLine;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Gpu;

/// <summary>parity's options, read and checked: the model, the inputs compared, the images generated on both devices, the seed.</summary>
internal sealed record BenchParitySettings(string? Model, int Inputs, int Images, ulong Seed)
{
    /// <summary>The targets (issue 20): float32 velocities within 1e-3, the pixels of a seeded generate within 2/255.</summary>
    public const double VelocityTarget = 1e-3, PixelTarget = 2;

    private static readonly Option<string?> model = new("--model") { Description = "model folder or shipped model name (default: velocity-unet)" };
    private static readonly Option<int> inputs = new("--inputs") { Description = "random inputs whose velocities are compared (1-1024)", DefaultValueFactory = _ => 64 };
    private static readonly Option<int> images = new("--images") { Description = "images generated on both devices, seed for seed (1-64)", DefaultValueFactory = _ => 8 };
    private static readonly Option<ulong> seed = new("--seed") { Description = "seed of the inputs and of the generated images' noise", DefaultValueFactory = _ => 1 };

    public static IReadOnlyList<Option> Options { get; } = [model, inputs, images, seed];

    public static BenchParitySettings Parse(ParseResult p) => new(p.GetValue(model), CliParsing.InRange(p.GetValue(inputs), "--inputs", 1, 1024),
        CliParsing.InRange(p.GetValue(images), "--images", 1, 64), p.GetValue(seed));
}
