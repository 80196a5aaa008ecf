namespace GenerationPlatform.Bench.Tests;

public sealed class BenchPlatformCommandTests
{
    [Fact]
    public void PrintsBothSidesAndTheRatio()
    {
        // K = 16 one-sample jobs: about 80 submissions to each host within seconds, far over a tenant's default submit burst
        // (30), which the benchmark's hosts must not apply.
        var r = BenchProcess.Run("platform", "--jobs", "16", "--steps", "1", "--samples", "1", "--repeat", "1", "--warmup", "1", "--max-batch", "8");
        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] rows = ["| bare loop |", "| platform, step-level batching |", "| platform, whole-request batching |",
            "| platform, step-level, spread arrivals |", "| platform, whole-request, spread arrivals |"];
        foreach (var row in rows)
        {
            var line = r.StdOut.Split('\n').Single(l => l.StartsWith(row, StringComparison.Ordinal));
            Assert.Equal(14, line.Split('|').Length); // twelve columns, every one filled
            Assert.DoesNotContain("||", line.Replace(" ", ""));
        }
        foreach (var field in new[] { "total NFE", "NFE/s", "ratio to bare", "latency p50 s", "latency p95 s", "mean fill", "model busy",
            "ratio platform/bare NFE/s:", "step-level vs whole-request batching, all K jobs at once:", "arriving at j x", "sampler-only NFE/s", "max |difference|",
            "warm-up: 1 wave(s) of the load and 2 of one-sample jobs per side; JIT quiet after", "JIT compilation during the timed waves (any thread): bare" })
            Assert.Contains(field, r.StdOut);
    }

    [Fact]
    public void ABudgetBelowOneSampleIsRefused()
    {
        var r = BenchProcess.Run("platform", "--steps", "2", "--budget", "2");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genplat-bench: --budget", r.StdErr);
    }
}
