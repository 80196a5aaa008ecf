using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.Scaling;

/// <summary>compare-points' table: its header and the one row of paired differences; then the equivalence test when a margin was given.</summary>
internal sealed record ComparePointsReport(string Row, string? Equivalence = null)
{
    public void Write(TextWriter output)
    {
        output.WriteLine(ScalingComparisons.RowHeader);
        output.WriteLine(Row);
        if (Equivalence is not null) output.WriteLine(Equivalence);
    }
}
