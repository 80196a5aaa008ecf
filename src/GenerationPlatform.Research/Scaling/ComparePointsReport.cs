using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.Scaling;

/// <summary>compare-points' table: its header and the one row of paired differences.</summary>
internal sealed record ComparePointsReport(string Row)
{
    public void Write(TextWriter output)
    {
        output.WriteLine(ScalingComparisons.RowHeader);
        output.WriteLine(Row);
    }
}
