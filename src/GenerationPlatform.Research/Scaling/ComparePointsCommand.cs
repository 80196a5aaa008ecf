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
        return new ComparePointsReport(ScalingComparisons.Row(settings.A.Label, recordsA, settings.B.Label, recordsB));
    }
}
