using System.Globalization;
using System.Text.Json;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>cluster's figures, as printed and as written to --out (JSON, camelCase).</summary>
internal sealed record BenchClusterReport(string Command, DateTime StartedUtc, int LogicalCores, int Jobs, long BudgetNfe, int Steps, int Samples, int TorchThreads,
    int TorchThreadsReported, int BatchCap, string BatchCapSource, int TimedWaves, int WarmupWaves, TopologyFigures[] Topologies, double ScalingRatio, double TargetRatio,
    bool TargetMet, double TopScoreMaxDifference, ProcessRecord[] Processes)
{
    private const double Target = 1.8;

    public static BenchClusterReport Of(BenchClusterSettings settings, DateTime started, int reportedThreads, int cap, string capSource, TopologyRun one, TopologyRun two,
        IReadOnlyList<(string Name, int Pid)> processes)
    {
        var topologies = new[] { TopologyFigures.Of(one), TopologyFigures.Of(two) };
        double ratio = topologies[1].NfePerSecond / topologies[0].NfePerSecond;
        double agree = one.Waves.Zip(two.Waves).SelectMany(p => p.First.TopScores.Zip(p.Second.TopScores, (a, b) => Math.Abs(a - b))).DefaultIfEmpty(0).Max();
        return new BenchClusterReport(
            "genplat-bench cluster " + string.Join(' ', Environment.GetCommandLineArgs().SkipWhile(a => a != "cluster").Skip(1)),
            started, Environment.ProcessorCount, settings.Jobs, settings.Budget, settings.Steps, (int)settings.Samples, settings.Threads, reportedThreads,
            cap, capSource, settings.Repeat, settings.Warmup, topologies, ratio, Target, ratio >= Target, agree,
            processes.Select(p => new ProcessRecord(p.Name, p.Pid)).ToArray());
    }

    /// <summary>The tables on <paramref name="output"/>; the JSON to <paramref name="path"/> when given.</summary>
    public void Write(TextWriter output, string? path)
    {
        var baseline = Topologies[0].NfePerSecond;
        output.WriteLine($"batch cap of every denoiser silo: {BatchCap} ({BatchCapSource})");
        output.WriteLine();
        output.WriteLine("| denoiser silos | total NFE | wall s | NFE/s | ratio to 1 silo | latency p50 s | latency p95 s | model calls | mean batch | mean fill |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in Topologies)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {t.DenoiserSilos} | {t.TotalNfe} | {t.WallSeconds:F2} | {t.NfePerSecond:F1} | {t.NfePerSecond / baseline:F3} | "
                + $"{t.LatencyP50Seconds:F2} | {t.LatencyP95Seconds:F2} | {t.ModelCalls} | {F(t.MeanBatch, "F1")} | {F(t.MeanFill, "F3")} |"));
        output.WriteLine();
        output.WriteLine("per silo, timed waves only (counters from each silo's /metrics, CPU from /proc; jobs ended there: where the search grains ran):");
        output.WriteLine("| denoiser silos | silo | pid | batch cap | NFE done | model calls | mean batch | mean fill | jobs ended there | verifier images | CPU s | cores used |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in Topologies)
            foreach (var s in t.Silos)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {t.DenoiserSilos} | {s.Silo} | {s.Pid} | {(s.BatchCap is { } c ? c.ToString(CultureInfo.InvariantCulture) : "-")} | {s.NfeDone} | "
                    + $"{s.ModelCalls} | {F(s.MeanBatch, "F1")} | {F(s.MeanFill, "F3")} | {s.JobsEnded} | {s.VerifierImages} | {s.CpuSeconds:F1} | {s.CoresUsed:F2} |"));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scaling ratio, NFE/s with 2 denoiser silos over 1: {ScalingRatio:F3} (target >= {TargetRatio:F1} at K = 16: {(TargetMet ? "met" : "NOT met")}; "
            + $"this run K = {Jobs})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"same work: top-1 classifier score per job, 2 denoiser silos vs 1, max |difference| {TopScoreMaxDifference:G3}"));
        if (path is null) return;
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        output.WriteLine($"figures written to {path}");
    }

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
