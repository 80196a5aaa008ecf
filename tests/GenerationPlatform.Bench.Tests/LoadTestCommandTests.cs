using System.Text.RegularExpressions;

namespace GenerationPlatform.Bench.Tests;

public sealed class LoadTestCommandTests
{
    [Fact]
    public void LoadtestEmbeddedReportsEveryJobEndedWithItsResultAndTheLightTenantsLatencyRatio()
    {
        var run = BenchProcess.Run("loadtest", "--embedded", "--jobs", "10", "--tenants", "3", "--flood-share", "0.6",
            "--budget", "8", "--steps", "2", "--time-limit", "150");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.StdOut}\n{run.StdErr}");

        // Rows: | tenant | role | jobs | accepted | quota rejections | completed | failed | lost | p50 s | p95 s |
        var rows = Regex.Matches(run.StdOut, @"^\| (\w+) \| (flood|light) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", RegexOptions.Multiline);
        var flood = rows.Where(r => r.Groups[2].Value == "flood").ToArray();
        var light = rows.Where(r => r.Groups[2].Value == "light").ToArray();
        Assert.Equal(2, flood.Length); // the flood phase, then the jobs the hostile tenant got accepted
        Assert.Equal("6", flood[0].Groups[3].Value); // 60% of 10 jobs
        Assert.Equal(2 * 3, light.Length); // two light tenants: alone, with the flood, with the hostile tenant
        foreach (var row in rows.Where(r => r.Groups[2].Value is "flood" or "light"))
        {
            Assert.Equal(row.Groups[3].Value, row.Groups[4].Value); // every job accepted in the end (rejected ones resubmitted)
            Assert.Equal(row.Groups[3].Value, row.Groups[6].Value); // completed with a stored result
            Assert.Equal("0", row.Groups[8].Value); // none lost
        }
        Assert.Contains("lost jobs: 0", run.StdOut);
        Assert.Matches(@"light tenants p95: alone \d+\.\d\d s, with the flood \d+\.\d\d s, ratio \d+\.\d\d", run.StdOut);
        Assert.Matches(@"light tenants p95 alone again after the flood: \d+\.\d\d s; with the flood against it: ratio \d+\.\d\d \(target <= 1\.20: (NOT )?met\)",
            run.StdOut);
        Assert.Matches(@"warm-up: \d+ jobs in \d+\.\d s, JIT quiet after waiting \d+\.\d s in all", run.StdOut);
        Assert.Matches(@"quota rejections: flood \d+, light1 \d+, light2 \d+", run.StdOut);

        // The hostile phase: its random ids are NOT_FOUND (never found), its jobs end like the others, storage operations counted.
        var calls = Regex.Match(run.StdOut,
            @"hostile calls: (\d+) \((\d+) random ids NOT_FOUND, (\d+) rate-limited, (\d+) refused by quota, (\d+) jobs accepted, (\d+) other answers\)");
        Assert.True(calls.Success, run.StdOut);
        Assert.True(long.Parse(calls.Groups[2].Value) > 0, calls.Value);
        Assert.Equal("0", calls.Groups[6].Value);
        Assert.Contains("hostile phase lost jobs: 0", run.StdOut);
        Assert.Matches(@"hostile: light tenants p95 alone \d+\.\d\d s, with the hostile tenant \d+\.\d\d s, ratio \d+\.\d\d", run.StdOut);
        Assert.Matches(@"storage operations: light alone [1-9]\d* \(\d+/s, \d+\.\d a job\); with the hostile tenant \d+", run.StdOut);
    }

    [Fact]
    public void LoadtestNeedsEitherEmbeddedOrAnAddress()
    {
        var run = BenchProcess.Run("loadtest", "--jobs", "3");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--embedded or --address", run.StdErr);
    }
}
