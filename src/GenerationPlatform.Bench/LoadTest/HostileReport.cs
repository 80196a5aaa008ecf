using GenerationPlatform.Api.V1;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// The hostile phase's figures: the light tenants' latency with the hostile tenant against alone (measured just before,
/// the same work), what the hostile calls got back, its accepted jobs' fate, and the grain storage operations each
/// phase caused (embedded only), the hostile tenant's share against what its admitted jobs alone would cost.
/// </summary>
internal sealed record HostileReport(JobOutcome[] Quiet, JobOutcome[] Attacked, JobOutcome[] HostileJobs, HostileFlood Flood, PhaseStorage? QuietStorage,
    PhaseStorage? HostileStorage)
{
    public const double Target = 1.25;

    public IEnumerable<JobOutcome> All => [.. Quiet, .. Attacked, .. HostileJobs];

    public void Write(TextWriter output)
    {
        var alone = LoadTestReport.LightLatencies(Quiet);
        var attacked = LoadTestReport.LightLatencies(Attacked);
        double p50 = Percentile.Of(attacked, 0.5) / Percentile.Of(alone, 0.5), p95 = Percentile.Of(attacked, 0.95) / Percentile.Of(alone, 0.95);
        output.WriteLine($"hostile: light tenants p50 alone {Percentile.Of(alone, 0.5):F2} s, with the hostile tenant {Percentile.Of(attacked, 0.5):F2} s, " +
            $"ratio {p50:F2}");
        output.WriteLine(($"hostile: light tenants p95 alone {Percentile.Of(alone, 0.95):F2} s, with the hostile tenant {Percentile.Of(attacked, 0.95):F2} s, " +
            $"ratio {p95:F2} (target <= {Target:F2}: {(p95 <= Target ? "met" : "NOT met")})"));
        output.WriteLine(($"hostile calls: {Flood.Calls} ({Flood.NotFound} random ids NOT_FOUND, {Flood.RateLimited} rate-limited, " +
            $"{Flood.QuotaRefused} refused by quota, {Flood.Accepted.Count} jobs accepted, {Flood.OtherErrors} other answers)"));
        int lost = HostileJobs.Count(o => o.Lost) + Attacked.Count(o => o.Lost) + Quiet.Count(o => o.Lost);
        output.WriteLine($"hostile phase lost jobs: {lost} ({HostileJobs.Count(o => o.State == JobState.Completed && o.Stored)} of the hostile tenant's " +
            $"{HostileJobs.Length} completed with a stored result)");
        if (QuietStorage is not { } quiet || HostileStorage is not { } hostile)
        {
            output.WriteLine("storage operations: counted with --embedded only");
            return;
        }
        // The hostile tenant's share: what the phase cost beyond the same light work alone, against its admitted jobs at the light jobs' cost each.
        double perJob = quiet.Operations / (double)Math.Max(1, Quiet.Length);
        long extra = hostile.Operations - quiet.Operations;
        double admitted = Flood.Accepted.Count * perJob;
        output.WriteLine(($"storage operations: light alone {quiet.Operations} ({quiet.PerSecond:F0}/s, {perJob:F1} a job); with the hostile tenant " +
            $"{hostile.Operations} ({hostile.PerSecond:F0}/s); the hostile tenant's {extra} ({extra / hostile.Duration.TotalSeconds:F0}/s) against its " +
            $"{Flood.Accepted.Count} admitted jobs' {admitted:F0}: {(extra <= admitted * 1.5 + perJob ? "bounded by its admitted jobs" : "MORE than its admitted jobs cost")}"));
    }
}
