namespace GenerationPlatform.Evaluation.Tests;

public sealed class ScalingReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("scaling-report-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static ScalingPoint Point(string series, int extra, double fid) =>
        new(series, extra, 19L * (1 + extra), 19.0 * (1 + extra), 19.0 * extra, fid, 6.5, 0.97, 0.66, 0.99, 0.93, 100, 12.5);

    [Fact]
    public void RoundTripsSeriesWithCommasAndMergesReruns()
    {
        var csv = Path.Combine(dir, "scaling.csv");
        ScalingReport.Write(csv, [Point("random:ensemble(classifier,class-gaussian)", 1, 13.25), Point("steps", 0, 13.5)]);
        var merged = ScalingReport.Merge(ScalingReport.Read(csv), [Point("steps", 0, 12.75), Point("steps", 3, 12.5)]);
        ScalingReport.Write(csv, merged);
        var back = ScalingReport.Read(csv);
        Assert.Equal(3, back.Count);
        Assert.Equal(13.25, back.Single(p => p.Series.StartsWith("random:ensemble(", StringComparison.Ordinal)).Fid);
        Assert.Equal(12.75, back.Single(p => p.Series == "steps" && p.ExtraCandidates == 0).Fid); // the rerun replaced the old point
        Assert.Contains("| random:ensemble(classifier,class-gaussian) | 1 |", ScalingReport.MarkdownTable(back));
    }

    [Fact]
    public void RejectsAForeignHeader()
    {
        var csv = Path.Combine(dir, "other.csv");
        File.WriteAllText(csv, "a,b,c\n1,2,3\n");
        Assert.Throws<InvalidDataException>(() => ScalingReport.Read(csv));
    }
}
