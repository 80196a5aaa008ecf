namespace GenerationPlatform.Cli.Tests;

public sealed class EvalTextCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-eval-text-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>The committed prompt benchmark (docs/benchmarks/fashion-prompts.tsv), found above the test's output folder.</summary>
    private static string Benchmark()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "docs", "benchmarks", "fashion-prompts.tsv"))) return Path.Combine(d.FullName, "docs", "benchmarks", "fashion-prompts.tsv");
        throw new FileNotFoundException("docs/benchmarks/fashion-prompts.tsv not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void PerClassFidWritesOneRowPerClassWithItsFloor()
    {
        var r = GenplatProcess.Run("eval-text", "--model", "fashion-text", "--benchmark", Benchmark(), "--fid-per-class", "3", "--steps", "1", "--series", "none",
            "--categories", "class-name", "--per-category", "1", "--seeds", "1", "--out", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var rows = File.ReadAllLines(Path.Combine(dir, "per-class-fid.md")).Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.Equal(10, rows.Length); // after the header, one row per class
        Assert.Contains(rows, l => l.StartsWith("| Ankle boot |", StringComparison.Ordinal));
    }

    [Fact]
    public void APerClassCountOutOfRangeIsOneLineNamingTheOption()
    {
        var r = GenplatProcess.Run("eval-text", "--model", "fashion-text", "--benchmark", Benchmark(), "--fid-per-class", "1", "--series", "none", "--categories", "class-name", "--per-category", "1", "--out", dir);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--fid-per-class", r.StdErr);
    }
}
