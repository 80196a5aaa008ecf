using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.Tests;

public sealed class ComparePointsCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-compare-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Folder(string name, string series, int extra, double p, bool correct, ulong seedOffset = 0, Func<int, double>? score = null)
    {
        var folder = Path.Combine(dir, name);
        Directory.CreateDirectory(folder);
        var records = Enumerable.Range(0, 30).Select(i => new ImageRecord(series, extra, i, 1_000_003UL + (ulong)i + seedOffset, i % 10, 19L * (1 + extra), 19L * extra,
            score?.Invoke(i) ?? p, score?.Invoke(i) ?? p, 100 * p, correct ? i % 10 : (i + 1) % 10, correct ? 0.9 : 0.3)).ToArray();
        ImageRecords.Write(Path.Combine(folder, "scaling-images.csv"), records);
        return folder;
    }

    [Fact]
    public void PointsOfTwoFoldersAreComparedImageByImage()
    {
        var small = Folder("capacity-small", "random(candidates-per-round=2):classifier", 3, 0.99, correct: true);
        var large = Folder("capacity-large", "random:classifier", 0, 0.90, correct: false);
        var r = ResearchProcess.Run("compare-points", "--a", $"{small}/random(candidates-per-round=2):classifier+3", "--b", $"{large}/random:classifier+0");
        Assert.Equal(0, r.ExitCode);
        var row = r.StdOut.Split('\n').Single(l => l.StartsWith("| capacity-small: ", StringComparison.Ordinal));
        Assert.Contains("| 76 / 19 | **+100.0 [+100.0, +100.0]; 30 / 0, p = 1.9E-9** | **+0.600 [+0.600, +0.600]** | **+0.090 [+0.090, +0.090]** |", row);
        Assert.DoesNotContain("equivalence", r.StdOut);
    }

    [Fact]
    public void AMarginTestsEquivalenceOnTheClassifierScoreByItsNinetyPercentInterval()
    {
        // B scores 0.98 on every image; A 0.98 + 0.001 on even images and - 0.002 on odd ones: a mean of -0.0005.
        var a = Folder("a", "beam:classifier", 7, 0, correct: true, score: i => 0.98 + (i % 2 == 0 ? 0.001 : -0.002));
        var b = Folder("b", "random:classifier", 15, 0.98, correct: true);
        var r = ResearchProcess.Run("compare-points", "--a", $"{a}/beam:classifier+7", "--b", $"{b}/random:classifier+15", "--margin", "0.002");
        Assert.Equal(0, r.ExitCode);
        var line = r.StdOut.Split('\n').Single(l => l.StartsWith("equivalence", StringComparison.Ordinal));
        Assert.Contains("margin 0.002: 90% paired interval -0.0005", line);
        Assert.EndsWith("over 30 images: non-inferior yes, equivalent yes", line.Trim());
        r = ResearchProcess.Run("compare-points", "--a", $"{a}/beam:classifier+7", "--b", $"{b}/random:classifier+15", "--margin", "0.0005");
        Assert.EndsWith("non-inferior no, equivalent no", r.StdOut.Split('\n').Single(l => l.StartsWith("equivalence", StringComparison.Ordinal)).Trim());
        // B against A: better by more than the margin allows for equivalence, yet not worse.
        var c = Folder("c", "beam:classifier", 7, 0.99, correct: true);
        r = ResearchProcess.Run("compare-points", "--a", $"{c}/beam:classifier+7", "--b", $"{b}/random:classifier+15", "--margin", "0.002");
        Assert.EndsWith("+0.0100 [+0.0100, +0.0100] over 30 images: non-inferior yes, equivalent no",
            r.StdOut.Split('\n').Single(l => l.StartsWith("equivalence", StringComparison.Ordinal)).Trim());
        r = ResearchProcess.Run("compare-points", "--a", $"{a}/beam:classifier+7", "--b", $"{b}/random:classifier+15", "--margin", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genplat-research: --margin must be in (0, 1]", r.StdErr.Trim());
    }

    [Fact]
    public void PointsThatShareNoImagesOrDoNotExistAreRefusedByOption()
    {
        var a = Folder("a", "random:classifier", 3, 0.9, true);
        var b = Folder("b", "random:classifier", 0, 0.9, true, seedOffset: 7);
        var r = ResearchProcess.Run("compare-points", "--a", $"{a}/random:classifier+3", "--b", $"{b}/random:classifier+0");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genplat-research: --b: the two points share no images", r.StdErr.Trim());
        r = ResearchProcess.Run("compare-points", "--a", $"{a}/random:classifier+1", "--b", $"{b}/random:classifier+0");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genplat-research: --a: ", r.StdErr.Trim());
        Assert.Contains("has no images of random:classifier +1", r.StdErr);
    }
}
