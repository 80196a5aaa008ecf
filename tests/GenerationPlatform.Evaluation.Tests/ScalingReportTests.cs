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
        const string legacyHeader = "series,extra_candidates,budget_nfe,mean_total_nfe,mean_search_nfe,fid,inception_score,precision,recall,conditional_accuracy," +
            "mean_verifier_score,images,wall_seconds";
        File.WriteAllText(csv, legacyHeader + "\n\"random:ensemble(classifier,onnx:aesthetic)\",1,38,38,19,13.25,6.5,0.97,0.66,0.99,0.93,100,12.5\n");
        var old = Assert.Single(ScalingReport.Read(csv));
        Assert.True(double.IsNaN(old.FdResNet));
        Assert.Equal(13.25, old.Fid);

        var merged = ScalingReport.Merge([old], [Point("steps", 0, 12.75) with { FdResNet = 42.5 }]);
        ScalingReport.Write(csv, merged);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(legacyHeader + ",fd_resnet,eval_fid,eval_inception_score,eval_precision,eval_recall,eval_accuracy,eval_within_class_distance,pixel_within_class_distance",
            lines[0]);
        Assert.EndsWith(",12.5,,,,,,,,", lines[1]); // not computed: empty fields
        Assert.EndsWith(",12.5,42.5,,,,,,,", lines[2]);
        var back = ScalingReport.Read(csv);
        Assert.True(double.IsNaN(back[0].FdResNet));
        Assert.Equal(42.5, back[1].FdResNet);
        var table = ScalingReport.MarkdownTable(back);
        Assert.Contains("| FID | FD ResNet-18 |", table);
        Assert.Contains("| 38 | – | – |", table); // no evaluation-classifier FID, no FD
        Assert.Contains("| 19 | – | 42.50 |", table);
        Assert.Contains("| 13.25 | 6.500 |", table); // the verifiers' CNN's FID and IS stay in their columns
    }

    [Fact]
    public void EvaluationClassifierColumnsRoundTripAndLeadTheTable()
    {
        var csv = Path.Combine(dir, "scaling.csv");
        var point = Point("random:classifier", 3, 13.5) with
        {
            FdResNet = 170.25,
            EvalFid = 4.5,
            EvalInceptionScore = 7.25,
            EvalPrecision = 0.91,
            EvalRecall = 0.62,
            EvalAccuracy = 0.97,
            EvalWithinClassDistance = 1.375,
            PixelWithinClassDistance = 7.25,
        };
        ScalingReport.Write(csv, [point]);
        var back = Assert.Single(ScalingReport.Read(csv));
        Assert.Equal(point, back);
        Assert.True(back.HasEvaluation);
        Assert.Contains("| random:classifier | 3 | 76 | 4.50 | 170.25 | 7.250 | 0.910 | 0.620 | 1.375 | 7.25 | 97.0 % | 13.50 | 6.500 | 0.970 | 0.660 | 99.0 % |",
            ScalingReport.MarkdownTable([back]));
        // A file of the columns before the diversity ones still reads, the diversity as not measured.
        var lines = File.ReadAllLines(csv);
        File.WriteAllLines(csv, [lines[0][..lines[0].IndexOf(",eval_within", StringComparison.Ordinal)], lines[1][..lines[1].LastIndexOf(",1.375", StringComparison.Ordinal)]]);
        var older = Assert.Single(ScalingReport.Read(csv));
        Assert.Equal(point with { EvalWithinClassDistance = double.NaN, PixelWithinClassDistance = double.NaN }, older);
        var withCost = ScalingReport.MarkdownTable([back], series => series == "random:classifier" ? "0.14" : "?");
        Assert.Contains("| series | extra candidates | mean total NFE | verifier NFE-eq per scored image | FID |", withCost);
        Assert.Contains("| random:classifier | 3 | 76 | 0.14 | 4.50 | 170.25 |", withCost);
        var rows = withCost.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(rows, l => Assert.Equal(rows[0].Count(c => c == '|'), l.Count(c => c == '|')));
    }

    private static ImageRecord[] Records(string series, int extra, Func<int, double> score, Func<int, bool> correct) =>
        Enumerable.Range(0, 40).Select(i => new ImageRecord(series, extra, i, 1_000_003UL + (ulong)i, i % 10, 19L * (1 + extra), 19L * extra,
            series == "steps" ? double.NaN : score(i), score(i), 100 * score(i), correct(i) ? i % 10 : (i + 1) % 10, correct(i) ? 0.9 : 0.2)).ToArray();

    [Theory]
    [InlineData(0.0009, 0.0004, 0.0014, 1, 3, "+0.0009 [+0.0004, +0.0014]")]       // excludes 0: a bound that would print 0.000 gets a digit more
    [InlineData(-0.0009, -0.0014, -0.00004, 1, 3, "-0.00090 [-0.00140, -0.00004]")]
    [InlineData(0.0009, -0.0004, 0.0014, 1, 3, "+0.001 [0.000, +0.001]")]           // contains 0: as asked
    [InlineData(0.018, 0.004, 0.032, 100, 1, "+1.8 [+0.4, +3.2]")]                   // accuracy in points
    [InlineData(0.0018, 0.0002, 0.0032, 100, 1, "+0.18 [+0.02, +0.32]")]
    public void IntervalsThatExcludeZeroNeverPrintABoundOfZero(double estimate, double lower, double upper, double scale, int decimals, string expected) =>
        Assert.Equal(expected, ScalingComparisons.Interval(new BootstrapInterval(estimate, lower, upper, 100), scale, decimals));

    [Fact]
    public void ImageRecordsRoundTripAndARerunReplacesAllItsImages()
    {
        var csv = Path.Combine(dir, "scaling-images.csv");
        var first = Records("random:ensemble(classifier,class-gaussian)", 1, i => 0.5 + i / 8.0, _ => true); // exact in five significant digits
        ImageRecords.Write(csv, ImageRecords.Merge([], [.. first, .. Records("steps", 1, _ => 0.25, _ => false)]));
        var back = ImageRecords.Read(csv);
        Assert.Equal(80, back.Count);
        Assert.Equal(first[7], back.Single(r => r.Series == first[7].Series && r.Index == 7));
        Assert.True(double.IsNaN(back.First(r => r.Series == "steps").VerifierScore));
        var rerun = Records("steps", 1, _ => 0.75, _ => true).Take(10).ToArray();
        var merged = ImageRecords.Merge(back, rerun);
        Assert.Equal(50, merged.Count); // all 40 old steps images went
        Assert.All(merged.Where(r => r.Series == "steps"), r => Assert.Equal(0.75, r.ClassifierScore));
    }

    [Fact]
    public void ComparisonsPairImagesAndBoldAClearShift()
    {
        var records = new List<ImageRecord>();
        records.AddRange(Records("steps", 0, i => 0.60 + (i % 7) / 20.0, i => i % 4 != 0));
        records.AddRange(Records("steps", 3, i => 0.61 + (i % 7) / 20.0, i => i % 4 != 0));
        records.AddRange(Records("random:classifier", 0, i => 0.60 + (i % 7) / 20.0, i => i % 4 != 0));
        records.AddRange(Records("random:classifier", 3, i => 0.80 + (i % 7) / 20.0, _ => true));
        records.AddRange(Records("pruned:classifier", 3, i => 0.79 + (i % 7) / 20.0 + (i % 2 == 0 ? 0.01 : -0.01), _ => true));
        records.AddRange(Records("random:classifier", 7, i => 0.85 + (i % 7) / 20.0, _ => true));
        records.AddRange(Records("random:classifier@target=0.9", 3, i => 0.80 + (i % 7) / 20.0, _ => true));
        var points = records.GroupBy(r => (r.Series, r.ExtraCandidates)).Select(g => Point(g.Key.Series, g.Key.ExtraCandidates, 13)).ToList();
        var md = ScalingComparisons.Markdown(points, records);
        // +0.190 on the verifier score over every image, the same shift against the +0 point: clear.
        var row = md.Split('\n').Single(l => l.StartsWith("| random:classifier | +3 | 76 |", StringComparison.Ordinal)).Split(" | ");
        Assert.StartsWith("**+25.0 [", row[3]); // 10 of 40 steps images misread, none searched
        Assert.StartsWith("**+0.175 [", row[4]); // p(class) 0.9 against 0.2 on those 10
        Assert.Equal("**+0.190 [+0.190, +0.190]**", row[5]); // the verifier score, every image +0.19
        Assert.StartsWith("**+25.0 [", row[6]);
        Assert.Equal("**+0.200 [+0.200, +0.200]** |", row[7]);
        // Pruned against random at the same budget: -0.01 on average, +-0.01 per image: an interval around it.
        var head = md.Split('\n').Single(l => l.StartsWith("| pruned:classifier +3 | random:classifier +3 |", StringComparison.Ordinal));
        Assert.Contains("| 0.0 [0.0, 0.0]; 0 / 0, p = 1 | 0.000 [0.000, 0.000] | **-0.010 [", head);
        // Accuracy carries the exact McNemar test: 10 steps images misread, every searched one right.
        Assert.EndsWith("; 10 / 0, p = 0.00195**", row[3]);
        // NFE equivalence: pruned at +3 against best-of-N at every larger budget; an adaptive random search against the fixed one.
        Assert.Contains("| **-0.060 [", md.Split('\n').Single(l => l.StartsWith("| pruned:classifier +3 | random:classifier +7 | 76 / 152 |", StringComparison.Ordinal)));
        Assert.Single(md.Split('\n'), l => l.StartsWith("| random:classifier@target=0.9 +3 | random:classifier +3 |", StringComparison.Ordinal));
        Assert.DoesNotContain(md.Split('\n'), l => l.StartsWith("| random:classifier +3 | random:classifier +7", StringComparison.Ordinal));
        var ci = ScalingComparisons.Difference(Records("a:classifier", 3, i => i, _ => true), Records("b:classifier", 3, i => i % 2, _ => true), r => r.VerifierScore);
        Assert.NotNull(ci);
        Assert.Equal(40, ci.Value.Pairs);
    }

    [Fact]
    public void PlotsOnePanelPerVerifierFamily()
    {
        var records = new List<ImageRecord>();
        var points = new List<ScalingPoint>();
        foreach (var series in new[] { "steps", "random:classifier", "pruned:classifier", "random:class-gaussian", "random:ensemble(classifier,class-gaussian)" })
            foreach (var extra in new[] { 0, 1, 3 })
            {
                records.AddRange(Records(series, extra, i => 0.5 + extra / 10.0 + i / 400.0, i => i % (extra + 2) != 0));
                points.Add(Point(series, extra, 13 + extra) with { EvalFid = 5 + extra, EvalInceptionScore = 7, EvalPrecision = 0.9, EvalRecall = 0.6, EvalAccuracy = 0.95 });
            }
        var written = ScalingReport.Plot(points, dir, records);
        Assert.Contains(written, p => p.EndsWith("scaling-conditional-accuracy.png", StringComparison.Ordinal));
        Assert.DoesNotContain(written, p => p.EndsWith("scaling-fd-resnet.png", StringComparison.Ordinal)); // no FD measured
        using var image = SkiaSharp.SKBitmap.Decode(Path.Combine(dir, "scaling-fid.png"));
        Assert.Equal(2 * 860, image.Width); // three families: two panels in a row, two rows
        Assert.Equal(2 * 430, image.Height);
        Assert.Equal("rank ensembles", ScalingReport.Family("random:ensemble(classifier,self-consistency)"));
        Assert.Equal("ResNet-18 verifiers", ScalingReport.Family("random:self-consistency"));
        Assert.Equal("classifier", ScalingReport.Family("particles(lambda=0):classifier"));
        Assert.Equal("steps", ScalingReport.Family("stochastic"));
        Assert.True(ScalingSeries.Parse("stochastic").IsBaseline);
        Assert.Throws<ArgumentException>(() => ScalingSeries.Parse("random")); // an algorithm needs a verifier
        var adaptive = ScalingSeries.Parse("random(candidates-per-round=2):classifier@target=0.99;patience=3");
        Assert.Equal(("random(candidates-per-round=2)", "classifier", 0.99, 3), (adaptive.Algorithm, adaptive.Verifier, adaptive.TargetScore, adaptive.Patience));
        Assert.Equal("random(candidates-per-round=2):classifier@target=0.99;patience=3", adaptive.Name);
        Assert.Equal("random:classifier@patience=2", ScalingSeries.Parse("random:classifier@patience=2").Name);
        Assert.Throws<ArgumentException>(() => ScalingSeries.Parse("random:classifier@target=NaN"));
        Assert.Throws<ArgumentException>(() => ScalingSeries.Parse("random:classifier@patience=0"));
        Assert.Throws<ArgumentException>(() => ScalingSeries.Parse("random:classifier@"));
    }

    [Fact]
    public void RejectsARowOfTheWrongWidth()
    {
        var csv = Path.Combine(dir, "short.csv");
        ScalingReport.Write(csv, [Point("steps", 0, 12.5)]);
        File.AppendAllText(csv, "steps,1,38\n");
        Assert.Contains("short.csv:3: 3 fields, expected 21", Assert.Throws<InvalidDataException>(() => ScalingReport.Read(csv)).Message);
    }

    [Fact]
    public void RejectsAForeignHeader()
    {
        var csv = Path.Combine(dir, "other.csv");
        File.WriteAllText(csv, "a,b,c\n1,2,3\n");
        Assert.Throws<InvalidDataException>(() => ScalingReport.Read(csv));
    }
}
