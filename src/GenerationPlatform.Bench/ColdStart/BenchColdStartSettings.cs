using System.CommandLine;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.ColdStart;

/// <summary>coldstart's options, read and checked: the job (budget), the warm jobs per model, where caps are remembered, and which models.</summary>
internal sealed record BenchColdStartSettings(int Budget, int Warm, string? CapCache, string[] Models)
{
    private static readonly Option<int> budget = new("--budget") { Description = "NFE per job (random search, the model's defaults)", DefaultValueFactory = _ => 100 };
    private static readonly Option<int> warm = new("--warm") { Description = "warm jobs per model after its first, to time against it", DefaultValueFactory = _ => 3 };
    private static readonly Option<string?> capCache = new("--cap-cache")
    {
        Description = "folder of remembered batch caps (GenerationPlatform:Denoiser:CapCacheFolder); default: a new empty one, so every cap is measured, " +
            "as on a machine's first start",
    };
    private static readonly Option<string?> models = new("--models") { Description = "model folders, comma-separated (default: every shipped model)" };

    public static IReadOnlyList<Option> Options { get; } = [budget, warm, capCache, models];

    public static BenchColdStartSettings Parse(ParseResult p) => new(
        CliParsing.InRange(p.GetValue(budget), "--budget", 1, 100_000),
        CliParsing.InRange(p.GetValue(warm), "--warm", 1, 100),
        p.GetValue(capCache),
        p.GetValue(models) is { Length: > 0 } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : []);
}
