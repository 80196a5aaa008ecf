using System.Globalization;
using System.Text.Json;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>cluster's figures, as printed and as written to --out (JSON, camelCase).</summary>
internal sealed record BenchClusterReport(string Command, DateTime StartedUtc, int LogicalCores, int Jobs, long BudgetNfe, int Steps, int Samples, int TorchThreads,
    int TorchThreadsReported, int BatchCap, string BatchCapSource, int TimedWaves, int WarmupWaves, string Model, TopologyFigures[] Topologies, ScalingFigure[] Ratios,
    double ScalingRatio, double TargetRatio, bool TargetMet, double TopScoreMaxDifference, ApiSiloCost ApiSilo, ProcessRecord[] Processes)
{
    /// <summary>Targets by denoiser silos: 2 CPU silos (issue "scale-out"); 2, 4 and 8 simulated GPU silos (issue 24).</summary>
    private static double? TargetFor(int silos, bool simulated) => (silos, simulated) switch
    {
        (2, false) => 1.8,
        (2, true) => 1.9,
        (4, true) => 3.7,
        (8, true) => 7.2,
        _ => null,
    };

    public static BenchClusterReport Of(BenchClusterSettings settings, DateTime started, int reportedThreads, int cap, string capSource, IReadOnlyList<TopologyRun> runs,
        IReadOnlyList<(string Name, int Pid)> processes)
    {
        var topologies = runs.Select(TopologyFigures.Of).ToArray();
        bool simulated = settings.Simulated is not null;
        var ratios = topologies.Skip(1).Select(t =>
        {
            double ratio = t.NfePerSecond / topologies[0].NfePerSecond;
            var target = TargetFor(t.DenoiserSilos, simulated);
            return new ScalingFigure(t.DenoiserSilos, ratio, target, target is { } x ? ratio >= x : null);
        }).ToArray();
        var two = ratios.FirstOrDefault(r => r.DenoiserSilos == 2);
        double agree = runs.Skip(1).SelectMany(run => runs[0].Waves.Zip(run.Waves)
            .SelectMany(p => p.First.TopScores.Zip(p.Second.TopScores, (a, b) => Math.Abs(a - b)))).DefaultIfEmpty(0).Max();
        var model = settings.Simulated is { } gpu ? $"{SimulatedGpu.ModelName} ({gpu.Source})" : Contracts.ModelOptions.ShippedModel;
        return new BenchClusterReport(
            "genplat-bench cluster " + string.Join(' ', Environment.GetCommandLineArgs().SkipWhile(a => a != "cluster").Skip(1)),
            started, Environment.ProcessorCount, settings.Jobs, settings.Budget, settings.Steps, (int)settings.Samples, settings.Threads, reportedThreads,
            cap, capSource, settings.Repeat, settings.Warmup, model, topologies, ratios, two?.Ratio ?? double.NaN, two?.Target ?? double.NaN, two?.Met ?? false, agree,
            ApiSiloCost.Of(topologies), processes.Select(p => new ProcessRecord(p.Name, p.Pid)).ToArray());
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
        foreach (var r in Ratios)
        {
            var target = r.Target is { } t ? string.Create(CultureInfo.InvariantCulture, $" (target >= {t:F1}: {(r.Met == true ? "met" : "NOT met")}; this run K = {Jobs})") : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scaling ratio, NFE/s with {r.DenoiserSilos} denoiser silos over 1: {r.Ratio:F3}{target}"));
        }
        ApiSilo.Write(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"same work: top-1 classifier score per job, every topology vs 1 denoiser silo, max |difference| {TopScoreMaxDifference:G3}"));
        if (path is null) return;
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            // A figure with nothing to divide by (no 2-silo topology, no job ended on the API silo) is NaN, written as such.
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        output.WriteLine($"figures written to {path}");
    }

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
