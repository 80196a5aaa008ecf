using System.Globalization;
using GenerationPlatform.Grains;

namespace GenerationPlatform.Bench.ColdStart;

/// <summary>coldstart's figures: the time to ready and what the warm-up did, then per model its first job against its warm jobs.</summary>
internal sealed record BenchColdStartReport(BenchColdStartSettings Settings, TimeSpan Ready, ModelWarmupReport Warmup, IReadOnlyList<BenchColdStartReport.Row> Rows)
{
    /// <summary>One model's first job and the warm jobs after it, in seconds.</summary>
    public sealed record Row(string Model, string Backend, double First, IReadOnlyList<double> Warm)
    {
        public double WarmMedian => Percentile.Of([.. Warm], 0.5);

        /// <summary>The first job's latency over the median warm job's.</summary>
        public double Ratio => First / WarmMedian;
    }

    /// <summary>The worst ratio of any model.</summary>
    public double WorstRatio => Rows.Count == 0 ? 0 : Rows.Max(r => r.Ratio);

    public void Write(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"genplat-bench coldstart: a fresh embedded host ready in {Ready.TotalSeconds:F1} s " +
            $"(models warm in {Warmup.Elapsed.TotalSeconds:F1} s; caps {(Settings.CapCache is null ? "measured: a new cap folder" : $"from {Settings.CapCache}")}); " +
            $"each job a random search of {Settings.Budget} NFE with the model's defaults, through the gRPC API; {Environment.ProcessorCount} logical cores"));
        foreach (var line in Warmup.Models) output.WriteLine($"  {line}");
        output.WriteLine();
        output.WriteLine("| model | backend | first job s | warm job s (median of " + Settings.Warm.ToString(c) + ") | first / warm |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var r in Rows)
            output.WriteLine(string.Create(c, $"| {r.Model} | {r.Backend} | {r.First:F2} | {r.WarmMedian:F2} | {r.Ratio:F2} |"));
        output.WriteLine(string.Create(c, $"worst first / warm: {WorstRatio:F2} (target: within 2x)"));
    }
}
