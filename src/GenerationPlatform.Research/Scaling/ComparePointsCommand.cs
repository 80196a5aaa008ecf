using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Scaling;

/// <summary>
/// <c>genplat-research compare-points</c>: paired differences between two measured points that may lie in different eval
/// output folders (another model on the same seeds, say), from their per-image records.
/// </summary>
internal static class ComparePointsCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("compare-points",
        "Paired bootstrap differences (A - B) of two evaluated points over the images they share", ComparePointsSettings.Options, (p, ct) =>
        {
            Run(ComparePointsSettings.Parse(p)).Write(Console.Out);
            return Task.FromResult(0);
        });

    public static ComparePointsReport Run(ComparePointsSettings settings)
    {
        var recordsA = settings.A.Records();
        var recordsB = settings.B.Records();
        if (ScalingComparisons.Difference(recordsA, recordsB, r => r.ClassifierScore) is null)
            throw new CliArgumentException("--b: the two points share no images (same index, seed and class): were they run with the same --seed and --per-class?");
        return new ComparePointsReport(ScalingComparisons.Row(settings.A.Label, recordsA, settings.B.Label, recordsB),
            settings.Margin is { } m ? Equivalence(recordsA, recordsB, m) : null);
    }

    /// <summary>
    /// Two one-sided tests at 5% each (Schuirmann 1987) on the classifier verifier's p, recorded for every image, from the 90%
    /// paired bootstrap interval of A - B: A is not worse than B by the margin (non-inferior) when its lower bound lies above
    /// -margin, and the two are equivalent when the whole interval lies inside (-margin, +margin).
    /// </summary>
    private static string Equivalence(IReadOnlyList<ImageRecord> a, IReadOnlyList<ImageRecord> b, double margin)
    {
        var ci = ScalingComparisons.Difference(a, b, r => r.ClassifierScore, confidence: 0.90)!.Value;
        bool notWorse = ci.Lower > -margin, notBetter = ci.Upper < margin;
        return System.FormattableString.Invariant(
            $"equivalence (TOST, 5% each side) of the classifier verifier's p, A - B, margin {margin}: 90% paired interval {ScalingComparisons.Interval(ci, 1, 4)}")
            + System.FormattableString.Invariant($" over {ci.Pairs} images: non-inferior {(notWorse ? "yes" : "no")}, equivalent {(notWorse && notBetter ? "yes" : "no")}");
    }
}
