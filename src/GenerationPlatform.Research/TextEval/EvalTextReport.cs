namespace GenerationPlatform.Research.TextEval;

/// <summary>What eval-text wrote at the end: summary.md and the plots.</summary>
internal sealed record EvalTextReport(string Summary, IReadOnlyList<string> Plots)
{
    public void Write(TextWriter output)
    {
        output.WriteLine($"wrote {Summary}");
        foreach (var path in Plots) output.WriteLine($"wrote {path}");
    }
}
