using System.Globalization;
using GenerationPlatform.Api.V1;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// loadtest's figures: per phase a table per tenant (accepted, quota rejections, completed, failed, lost, latency), then the
/// light tenants' latency with the flood against alone, the rejections, and the jobs lost (the exit code: 0 when none).
/// </summary>
internal sealed record LoadTestReport(TenantPlan[] Plan, JobOutcome[] WarmUp, JobOutcome[] Alone, JobOutcome[] Flooded)
{
    /// <summary>The hostile phase, when it ran.</summary>
    public HostileReport? Hostile { get; init; }

    private JobOutcome[] All => [.. WarmUp, .. Alone, .. Flooded, .. Hostile?.All ?? []];

    public int ExitCode => All.Count(o => o.Lost) == 0 && Unfinished == 0 ? 0 : 1;

    /// <summary>Jobs never accepted before the time limit or an error.</summary>
    private int Unfinished => All.Count(o => o.JobId is null && o.Error is not null);

    public static void WritePhase(TextWriter output, JobOutcome[] outcomes)
    {
        output.WriteLine("| tenant | role | jobs | accepted | quota rejections | completed | failed | lost | p50 s | p95 s |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in outcomes.GroupBy(o => (o.Tenant, o.Role)))
        {
            var latencies = group.Where(o => o.State == JobState.Completed).Select(o => o.Latency.TotalSeconds).ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Tenant} | {group.Key.Role} | {group.Count()} | {group.Count(o => o.JobId is not null)} | {group.Sum(o => o.Rejections)} | "
                + $"{group.Count(o => o.State == JobState.Completed && o.Stored)} | {group.Count(o => o.State == JobState.Failed)} | {group.Count(o => o.Lost)} | "
                + $"{Percentile.Of(latencies, 0.5):F2} | {Percentile.Of(latencies, 0.95):F2} |"));
        }
    }

    /// <summary>The light tenants' p95 with the flood over alone, at most (issue 24).</summary>
    public const double FloodTarget = 1.2;

    public void Write(TextWriter output)
    {
        var before = LightLatencies(Alone);
        var during = LightLatencies(Flooded);
        double p50Ratio = Percentile.Of(during, 0.5) / Percentile.Of(before, 0.5), p95Ratio = Percentile.Of(during, 0.95) / Percentile.Of(before, 0.95);
        output.WriteLine($"light tenants p50: alone {Percentile.Of(before, 0.5):F2} s, with the flood {Percentile.Of(during, 0.5):F2} s, ratio {p50Ratio:F2}");
        output.WriteLine($"light tenants p95: alone {Percentile.Of(before, 0.95):F2} s, with the flood {Percentile.Of(during, 0.95):F2} s, ratio {p95Ratio:F2} " +
            $"(target <= {FloodTarget:F2}: {(p95Ratio <= FloodTarget ? "met" : "NOT met")})");
        if (Hostile is { } hostile)
        {
            // The light work alone again after the flood (the hostile phase's quiet half): the flood between two baselines, so
            // that a baseline slowed or sped by what ran before it shows.
            double after = Percentile.Of(LightLatencies(hostile.Quiet), 0.95), againstAfter = Percentile.Of(during, 0.95) / after;
            output.WriteLine($"light tenants p95 alone again after the flood: {after:F2} s; with the flood against it: ratio {againstAfter:F2} " +
                $"(target <= {FloodTarget:F2}: {(againstAfter <= FloodTarget ? "met" : "NOT met")})");
        }
        var all = All;
        output.WriteLine($"quota rejections: {string.Join(", ", Plan.Select(t => $"{t.Name} {all.Where(o => o.Tenant == t.Name).Sum(o => o.Rejections)}"))}");
        output.WriteLine($"lost jobs: {all.Count(o => o.Lost)} (accepted jobs that did not end, or completed without a readable stored result)");
        Hostile?.Write(output);
        if (Unfinished > 0) output.WriteLine($"never accepted before the time limit or an error: {Unfinished}");
        foreach (var o in all.Where(o => o.Lost || o.Error is not null).Take(5)) output.WriteLine($"  {o.Tenant} {o.JobId ?? "(no job)"}: {o.Error}");
    }

    internal static double[] LightLatencies(IEnumerable<JobOutcome> outcomes) =>
        outcomes.Where(o => o.Role == TenantPlan.LightRole && o.State == JobState.Completed).Select(o => o.Latency.TotalSeconds).ToArray();
}
