namespace GenerationPlatform.Research.Tests;

public sealed class EvalTextCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-eval-text-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>The committed prompt benchmark (docs/benchmarks/fashion-prompts.tsv), found above the test's output folder.</summary>
    private static string Benchmark() => GenerationPlatform.Testing.RepositoryRoot.Of(Path.Combine("docs", "benchmarks", "fashion-prompts.tsv"));

    [Fact]
    public void PerClassFidWritesOneRowPerClassWithItsFloor()
    {
        var r = ResearchProcess.Run("eval-text", "--model", "fashion-text", "--benchmark", Benchmark(), "--fid-per-class", "3", "--steps", "1", "--series", "none",
            "--categories", "class-name", "--per-category", "1", "--seeds", "1", "--out", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var rows = File.ReadAllLines(Path.Combine(dir, "per-class-fid.md")).Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.Equal(10, rows.Length); // after the header, one row per class
        Assert.Contains(rows, l => l.StartsWith("| Ankle boot |", StringComparison.Ordinal));
        // Each unit's record carries the request seed that regenerates it: base seed 1 x 1 000 003 + prompt x 64 + seed (one prompt, one seed here).
        var units = File.ReadAllLines(Path.Combine(dir, "none+0.tsv"));
        Assert.StartsWith("prompt\tcategory\tseed\tall_met\tfraction\tclass_correct\ttext_align\tnfe\tseconds\tpredicted\tunit_seed\timage", units[0]);
        Assert.Equal(["1000003"], units.Skip(1).Select(l => l.Split('\t')[10]));
    }

    [Fact]
    public void APerClassCountOutOfRangeIsOneLineNamingTheOption()
    {
        var r = ResearchProcess.Run("eval-text", "--model", "fashion-text", "--benchmark", Benchmark(), "--fid-per-class", "1", "--series", "none",
            "--categories", "class-name", "--per-category", "1", "--out", dir);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--fid-per-class", r.StdErr);
    }

    /// <summary>Writes a series TSV without its image column, as the records under docs/results/text/records are kept.</summary>
    private static void WriteSeries(string folder, string name, long nfe, Func<int, int, bool> allMet)
    {
        var lines = new List<string> { "prompt\tcategory\tseed\tall_met\tfraction\tclass_correct\ttext_align\tnfe\tseconds\tpredicted" };
        foreach (var (prompt, category) in new[] { ("two-properties-001", "two-properties"), ("three-properties-001", "three-properties") })
            for (int seed = 0; seed < 2; seed++)
            {
                bool met = allMet(prompt.Length, seed);
                lines.Add($"{prompt}\t{category}\t{seed}\t{(met ? 1 : 0)}\t{(met ? "1" : "0.5")}\t1\t{0.6 + seed * 0.05:R}\t{nfe}\t0.100\t3");
            }
        File.WriteAllLines(Path.Combine(folder, name + ".tsv"), lines);
    }

    [Fact]
    public void ReportOnlyDrawsThePlotsFromRecordsWithoutImages()
    {
        var records = Directory.CreateDirectory(Path.Combine(dir, "records")).FullName;
        var plots = Path.Combine(dir, "plots");
        WriteSeries(records, "none+0", 19, (_, seed) => seed == 0);
        WriteSeries(records, "steps+3", 75, (_, seed) => seed == 0);
        WriteSeries(records, "random_text-align+3", 76, (_, _) => true);
        WriteSeries(records, "random_text-align+15", 304, (_, _) => true);
        WriteSeries(records, "paths_ensemble_text-align-attributes+3", 40, (p, _) => p > 18);
        File.WriteAllText(Path.Combine(records, "encoding.tsv"), "prompt\tencode_ms\tjob_ms\n# text encoding: 4.1 ms\n");

        var r = ResearchProcess.Run("eval-text", "--report-only", "--out", records, "--plots", plots);

        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] expected = ["text-no-search-by-category.png", "text-scaling-all-met-4-units.png", "text-scaling-text-align-4-units.png"];
        Assert.Contains("| random:text-align | +15 | 4 | 304 | 100.0% [100.0, 100.0] |", File.ReadAllText(Path.Combine(plots, "text-plots.md")));
        foreach (var name in expected)
        {
            var png = File.ReadAllBytes(Path.Combine(plots, name));
            Assert.True(png.Length > 1000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', name);
        }
        Assert.Equal(expected.Append("text-plots.md").Order(StringComparer.Ordinal), Directory.GetFiles(plots).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var summary = File.ReadAllText(Path.Combine(records, "summary.md"));
        Assert.Contains("| none+0 | **all** | 4 | 50.0 % |", summary);
        // Per category with intervals resampling whole prompts: each category here is one prompt of two seeds.
        Assert.Contains("## Per category, 95% intervals resampling whole prompts", summary);
        Assert.Contains("| none+0 | two-properties | 1 | 2 | 100.0% [100.0, 100.0] | 50.0% [50.0, 50.0] |", summary);
    }

    [Fact]
    public void ReportOnlyRefusesAFolderWithoutSeriesRecordsNamingTheOutOption()
    {
        var missing = ResearchProcess.Run("eval-text", "--report-only", "--out", Path.Combine(dir, "no-such-folder"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("--out", missing.StdErr);
        Assert.False(Directory.Exists(Path.Combine(dir, "no-such-folder")));

        File.WriteAllText(Path.Combine(dir, "none+0.tsv"), "not\ta\tseries\n");
        var foreign = ResearchProcess.Run("eval-text", "--report-only", "--out", dir);
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.Contains("--out", foreign.StdErr);
        Assert.Contains("none+0.tsv", foreign.StdErr);
    }

    [Fact]
    public void RegradeJudgesTheStoredImagesAgainAndRefusesRecordsWithoutImages()
    {
        // A black image stored as having met "a yellow top": judged again, the colour is not met and the class is what the
        // evaluation classifier reads, whatever the record said.
        var black = Convert.ToBase64String(new byte[3 * 28 * 28]);
        File.WriteAllLines(Path.Combine(dir, "none+0.tsv"),
        [
            "prompt\tcategory\tseed\tall_met\tfraction\tclass_correct\ttext_align\tnfe\tseconds\tpredicted\timage",
            $"one-property-001\tone-property\t0\t1\t1\t1\t0.5\t19\t0.100\t0\t{black}",
            $"one-property-001\tone-property\t1\t1\t1\t1\t0.5\t19\t0.100\t0\t{black}",
        ]);
        var r = ResearchProcess.Run("eval-text", "--regrade", "--benchmark", Benchmark(), "--out", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var rows = File.ReadAllLines(Path.Combine(dir, "none+0.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.All(rows, f =>
        {
            Assert.Equal("0", f[3]);
            Assert.Equal(f[9] == "0" ? "1" : "0", f[5]);
            Assert.Equal("0.5", f[6]);
            Assert.Equal("", f[10]); // a record written before unit seeds were kept: its seed stays unknown
            Assert.Equal(black, f[11]);
        });
        Assert.Contains("evaluation classifier", File.ReadAllText(Path.Combine(dir, "summary.md")));

        // A folder with a record without images is refused whole: the judged file is left as it was.
        var judged = File.ReadAllText(Path.Combine(dir, "none+0.tsv"));
        WriteSeries(dir, "steps+3", 75, (_, _) => true);
        var refused = ResearchProcess.Run("eval-text", "--regrade", "--benchmark", Benchmark(), "--out", dir);
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("genplat-research: --out", refused.StdErr.Trim());
        Assert.Contains("steps+3.tsv", refused.StdErr);
        Assert.Equal(judged, File.ReadAllText(Path.Combine(dir, "none+0.tsv")));
    }
}
