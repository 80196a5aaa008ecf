namespace GenerationPlatform.Research.Tests;

public sealed class EvalCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-eval-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("--fd-resnet-images", "1")]
    [InlineData("--fd-resnet-images", "10001")]
    [InlineData("--onnx-verifier", "aesthetic")]
    [InlineData("--onnx-verifier", "aesthetic=missing.json")]
    public void BadFdAndOnnxArgumentsNameTheOptionBeforeAnyWork(string option, string value)
    {
        var r = ResearchProcess.Run("eval", "--fd-resnet", option, value, "--out", dir);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"genplat-research: {option}", line);
        Assert.False(File.Exists(Path.Combine(dir, "scaling.csv")));
    }

    [Fact]
    [Trait("Tier", "slow")]
    public void APointRecordsItsDiversityAndWhichModelAndSeedsMadeIt()
    {
        var r = ResearchProcess.Run("eval", "--model", "velocity-unet-onnx", "--per-class", "2", "--budgets", "0", "--series", "random:classifier",
            "--seed", "9", "--out", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var point = Assert.Single(GenerationPlatform.Evaluation.ScalingReport.Read(Path.Combine(dir, "scaling.csv")));
        Assert.True(point.EvalWithinClassDistance > 0, $"{point.EvalWithinClassDistance}");
        Assert.InRange(point.PixelWithinClassDistance, 1, 2 * Math.Sqrt(28 * 28)); // pixels in [-1, 1]
        var provenance = File.ReadAllLines(Path.Combine(dir, "scaling-provenance.tsv"));
        Assert.Equal("utc\tseries\textra_candidates\tmodel\tmodel_source\tseed\tper_class\tsteps\tsampler\tguidance\timages", provenance[0]);
        var fields = provenance[1].Split('\t');
        Assert.Equal(["random:classifier", "0", "velocity-unet-onnx"], fields[1..4]);
        Assert.Equal("models/velocity-unet-onnx", fields[4]);
        Assert.Equal(["9", "2", "10", "heun", "1.5", "20"], fields[5..]);
        Assert.Contains("within-class distance", r.StdOut);
    }

    [Fact]
    public void ReportOnlyWithoutResultsNamesTheFolder()
    {
        var r = ResearchProcess.Run("eval", "--report-only", "--out", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genplat-research: --out: no scaling.csv", r.StdErr.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void ReportOnlyRedrawsTheTableAndPlotsFromTheCsv()
    {
        const string header = "series,extra_candidates,budget_nfe,mean_total_nfe,mean_search_nfe,fid,inception_score,precision,recall,conditional_accuracy," +
            "mean_verifier_score,images,wall_seconds,fd_resnet,eval_fid,eval_inception_score,eval_precision,eval_recall,eval_accuracy";
        File.WriteAllText(Path.Combine(dir, "scaling.csv"), header + "\n" + """
            steps,0,19,19,0,13.69,5.985,0.96,0.68,0.96,0,100,12.6,165.19,4.5,6.1,0.9,0.7,0.93
            steps,1,38,37,0,13.19,6.009,0.98,0.72,0.97,0,100,22.3,,4.25,6.2,0.91,0.71,0.94
            random:classifier,1,38,38,38,13.10,7.183,0.98,0.57,1,0.929,100,27.8,171.80,5.75,7.0,0.95,0.6,0.99
            pruned(ranking=noise-aware):classifier,3,76,70,70,14.0,7.5,0.99,0.5,1,0.96,100,30.0,175.0,6.0,7.1,0.96,0.55,1

            """);
        var r = ResearchProcess.Run("eval", "--report-only", "--out", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("4 points", r.StdOut);
        var table = File.ReadAllText(Path.Combine(dir, "scaling.md"));
        // The verifier's cost per scored image next to the NFE: the classifier is 0.14 NFE of the shipped model, its
        // noise-aware head (classifier + head) about twice that; the baselines score nothing.
        Assert.Contains("| random:classifier | 1 | 38 | 0.14 | 5.75 | 171.80 |", table);
        Assert.Contains("| steps | 1 | 37 | – | 4.25 | – |", table);
        Assert.Contains("| pruned(ranking=noise-aware):classifier | 3 | 70 | 0.14; x0: 0.2", table);
        Assert.Contains("| 13.10 | 7.183 |", table); // the verifiers' CNN's FID and IS, kept
        Assert.True(File.Exists(Path.Combine(dir, "scaling-comparisons.md"))); // empty of rows: no per-image records here
        foreach (var metric in new[] { "fid", "fid-verifier-cnn", "fd-resnet", "inception-score", "precision", "recall", "conditional-accuracy" })
            Assert.True(new FileInfo(Path.Combine(dir, $"scaling-{metric}.png")).Length > 1000, metric);
    }
}
