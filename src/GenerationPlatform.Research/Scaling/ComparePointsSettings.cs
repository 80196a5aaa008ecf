using System.CommandLine;

namespace GenerationPlatform.Research.Scaling;

/// <summary>compare-points' options, read and checked: the two points.</summary>
internal sealed record ComparePointsSettings(EvaluatedPoint A, EvaluatedPoint B)
{
    private static readonly Option<string> a = new("--a")
    {
        Description = "the first point: FOLDER/SERIES+EXTRA, e.g. docs/results/capacity-small/random:classifier+3", Required = true,
    };
    private static readonly Option<string> b = new("--b") { Description = "the second point, the same way", Required = true };

    public static IReadOnlyList<Option> Options { get; } = [a, b];

    public static ComparePointsSettings Parse(ParseResult p) => new(EvaluatedPoint.Parse(p.GetValue(a)!, "--a"), EvaluatedPoint.Parse(p.GetValue(b)!, "--b"));
}
