using System.CommandLine;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Scaling;

/// <summary>compare-points' options, read and checked: the two points and, for an equivalence test, its margin.</summary>
internal sealed record ComparePointsSettings(EvaluatedPoint A, EvaluatedPoint B, double? Margin)
{
    private static readonly Option<string> a = new("--a")
    {
        Description = "the first point: FOLDER/SERIES+EXTRA, e.g. docs/results/capacity-small/random:classifier+3", Required = true,
    };
    private static readonly Option<string> b = new("--b") { Description = "the second point, the same way", Required = true };
    private static readonly Option<double?> margin = new("--margin")
    {
        Description = "also test equivalence of the classifier verifier's mean p within +-MARGIN (TOST at 5% each side: the 90% paired interval inside the margin)",
    };

    public static IReadOnlyList<Option> Options { get; } = [a, b, margin];

    public static ComparePointsSettings Parse(ParseResult p)
    {
        double? m = p.GetValue(margin);
        if (m is { } v && !(v > 0 && v <= 1)) throw new CliArgumentException($"--margin must be in (0, 1] (got {v})");
        return new(EvaluatedPoint.Parse(p.GetValue(a)!, "--a"), EvaluatedPoint.Parse(p.GetValue(b)!, "--b"), m);
    }
}
