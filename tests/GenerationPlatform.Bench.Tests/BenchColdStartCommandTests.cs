using System.Globalization;
using System.Text.RegularExpressions;

namespace GenerationPlatform.Bench.Tests;

/// <summary>
/// <c>genplat-bench coldstart</c> on every shipped model, caps measured as on a machine's first start (about 2 minutes on the
/// project's 2-core machine: the slow tier): after the host reports ready, each model's first job is within 2x of a warm one.
/// </summary>
[Trait("Tier", "slow")]
public sealed partial class BenchColdStartCommandTests
{
    [Fact]
    public void TheFirstJobOnEveryModelAfterReadyIsWithinTwiceAWarmJob()
    {
        var r = BenchProcess.Run("coldstart", "--warm", "2");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var rows = Row().Matches(r.StdOut).ToList();
        Assert.True(rows.Count >= 5, r.StdOut); // every shipped model
        foreach (var row in rows)
            Assert.True(double.Parse(row.Groups["ratio"].Value, CultureInfo.InvariantCulture) <= 2.0, $"{row.Groups["model"].Value}: {row.Value}\n{r.StdOut}");
        Assert.Contains("models warm in", r.StdOut);
        Assert.DoesNotContain("Participant check thread has not completed", r.StdErr); // a clean start logs no watchdog stall
    }

    [GeneratedRegex(@"^\| (?<model>[a-z0-9-]+) \| \w+ \| [0-9.]+ \| [0-9.]+ \| (?<ratio>[0-9.]+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
