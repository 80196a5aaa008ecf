namespace GenerationPlatform.Research.Scaling;

/// <summary>What eval --report-only redrew: from how many points of which file.</summary>
internal sealed record EvalRedrawReport(int Points, string PointsFile)
{
    public void Write(TextWriter output) => output.WriteLine($"{Points} points from {PointsFile}: scaling.md and the plots redrawn");
}
