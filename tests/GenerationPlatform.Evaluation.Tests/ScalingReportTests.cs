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
    public void FdResNetColumnRoundTripsAndOlderFilesStillRead()
    {
        var csv = Path.Combine(dir, "scaling.csv");
        const string legacyHeader = "series,extra_candidates,budget_nfe,mean_total_nfe,mean_search_nfe,fid,inception_score,precision,recall,conditional_accuracy,mean_verifier_score,images,wall_seconds";
        File.WriteAllText(csv, legacyHeader + "\n\"random:ensemble(classifier,onnx:aesthetic)\",1,38,38,19,13.25,6.5,0.97,0.66,0.99,0.93,100,12.5\n");
        var old = Assert.Single(ScalingReport.Read(csv));
        Assert.True(double.IsNaN(old.FdResNet));
        Assert.Equal(13.25, old.Fid);

        var merged = ScalingReport.Merge([old], [Point("steps", 0, 12.75) with { FdResNet = 42.5 }]);
        ScalingReport.Write(csv, merged);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(legacyHeader + ",fd_resnet", lines[0]);
        Assert.EndsWith(",12.5,", lines[1]); // not computed: an empty field
        Assert.EndsWith(",12.5,42.5", lines[2]);
        var back = ScalingReport.Read(csv);
        Assert.True(double.IsNaN(back[0].FdResNet));
        Assert.Equal(42.5, back[1].FdResNet);
        var table = ScalingReport.MarkdownTable(back);
        Assert.Contains("| FID | FD ResNet-18 |", table);
        Assert.Contains("| 13.25 | – |", table);
        Assert.Contains("| 12.75 | 42.50 |", table);
    }

    [Fact]
    public void RejectsARowOfTheWrongWidth()
    {
        var csv = Path.Combine(dir, "short.csv");
        ScalingReport.Write(csv, [Point("steps", 0, 12.5)]);
        File.AppendAllText(csv, "steps,1,38\n");
        Assert.Contains("short.csv:3: 3 fields, expected 14", Assert.Throws<InvalidDataException>(() => ScalingReport.Read(csv)).Message);
    }

    [Fact]
    public void RejectsAForeignHeader()
    {
        var csv = Path.Combine(dir, "other.csv");
        File.WriteAllText(csv, "a,b,c\n1,2,3\n");
        Assert.Throws<InvalidDataException>(() => ScalingReport.Read(csv));
    }
}
