using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.Tests;

public sealed class ComparePointsCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-compare-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Folder(string name, string series, int extra, double p, bool correct, ulong seedOffset = 0)
    {
        var folder = Path.Combine(dir, name);
        Directory.CreateDirectory(folder);
        var records = Enumerable.Range(0, 30).Select(i => new ImageRecord(series, extra, i, 1_000_003UL + (ulong)i + seedOffset, i % 10, 19L * (1 + extra), 19L * extra,
            p, p, 100 * p, correct ? i % 10 : (i + 1) % 10, correct ? 0.9 : 0.3)).ToArray();
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
        Assert.Contains("| 76 / 19 | **+100.0 [+100.0, +100.0]** | **+0.600 [+0.600, +0.600]** | **+0.090 [+0.090, +0.090]** |", row);
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
