using System.Diagnostics;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// <c>genplat-bench loadtest</c>: many tenants' jobs through the gRPC API, one tenant flooding. Two phases: the light
/// tenants alone, then the same light work while the flooding tenant submits far more, concurrently. Prints per tenant
/// what was accepted, rejected by quota (RESOURCE_EXHAUSTED, then resubmitted), completed and lost, and the light tenants'
/// latency with the flood against without it. A third phase runs the light work again while the flooding tenant turns
/// hostile (<see cref="HostileFlood"/>: random-id calls and refused submits, as fast as it can), counting what its calls
/// got back and, embedded, the grain storage operations of each phase. Bounded in jobs and in time.
/// </summary>
internal static class LoadTestCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("loadtest",
        "Jobs of several tenants through the gRPC API, one flooding: lost jobs, quota rejections and the light tenants' latency against running alone",
        LoadTestSettings.Options, async (p, ct) =>
        {
            var report = await RunAsync(LoadTestSettings.Parse(p), Console.Out, ct);
            report.Write(Console.Out);
            return report.ExitCode;
        });

    /// <summary>A warm-up (one job per tenant, not measured), the light tenants alone, then everyone with the flood; each phase's table as it ends.</summary>
    public static async Task<LoadTestReport> RunAsync(LoadTestSettings settings, TextWriter output, CancellationToken ct)
    {
        await using var target = await LoadTestTarget.StartAsync(settings, ct);
        var plan = target.Tenants.Select((k, i) => new TenantPlan(k.Name, k.Key, i == 0 ? TenantPlan.FloodRole : TenantPlan.LightRole)).ToArray();
        int floodJobs = (int)Math.Round(settings.Jobs * settings.FloodShare);
        int lightJobs = Math.Max(1, (settings.Jobs - floodJobs) / (plan.Length - 1));
        output.WriteLine($"genplat-bench loadtest: {(target.IsEmbedded ? "embedded platform" : "platform")} at {target.Address}; "
            + $"tenant {plan[0].Name} floods ({floodJobs} jobs, {settings.FloodConcurrency} in flight), "
            + $"{plan.Length - 1} light tenants ({lightJobs} jobs each, {settings.LightConcurrency} in flight); budget {settings.Budget} NFE, Euler {settings.Steps} steps");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.TimeLimit);

        // Warm-up, not measured: the first job loads the model and verifier and activates the grains. Then the light tenants'
        // work, and again with a short flood (its refusals' paths too), each followed by a quiet JIT, so that the job path is
        // compiled and promoted before phase 1 rather than during the measured phases (which made "alone" slower than it is
        // and flattered the ratio): the runtime counts calls toward tier 1 only once tier-0 compilation has been quiet for a
        // while. The flood's submit tokens spent here (30 jobs, the default burst) refill during the waits and phase 1 at 2 a second.
        var clock = Stopwatch.StartNew();
        var light = plan.Skip(1).Select(t => (t, lightJobs)).ToArray();
        var warmUp = new List<JobOutcome>(await LoadTestPhase.RunAsync(target.Address, plan.Select(t => (t, 1)).ToArray(), settings, timeout.Token));
        var jitWait = TimeSpan.Zero;
        foreach (var load in new[] { light, [(plan[0], Math.Min(floodJobs, 30)), .. light] })
        {
            warmUp.AddRange(await LoadTestPhase.RunAsync(target.Address, load, settings, timeout.Token));
            if (target.IsEmbedded) jitWait += await JitQuiet.WaitAsync(timeout.Token);
        }
        var jitQuiet = target.IsEmbedded ? $", JIT quiet after waiting {jitWait.TotalSeconds:F1} s in all" : "";
        output.WriteLine($"warm-up: {warmUp.Count} jobs in {clock.Elapsed.TotalSeconds:F1} s{jitQuiet}");
        clock.Restart();
        var alone = await LoadTestPhase.RunAsync(target.Address, light, settings, timeout.Token);
        output.WriteLine($"phase 1, light tenants alone: {alone.Length} jobs in {clock.Elapsed.TotalSeconds:F1} s");
        LoadTestReport.WritePhase(output, alone);
        clock.Restart();
        var flooded = await LoadTestPhase.RunAsync(target.Address, [(plan[0], floodJobs), .. light], settings, timeout.Token);
        output.WriteLine($"phase 2, with the flood: {flooded.Length} jobs in {clock.Elapsed.TotalSeconds:F1} s");
        LoadTestReport.WritePhase(output, flooded);

        // The light work again, with the flooding tenant hostile; storage operations counted in phases 1 and 3 alike.
        var hostile = new HostileFlood();
        using var storage = new StorageOperations();
        clock.Restart();
        var quiet = await LoadTestPhase.RunAsync(target.Address, light, settings, timeout.Token);
        var quietPhase = new PhaseStorage(clock.Elapsed, storage.Count);
        long before = storage.Count;
        clock.Restart();
        using var stopHostile = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var flooding = hostile.RunAsync(target.Address, plan[0], settings.HostileConcurrency, settings, stopHostile.Token);
        var attacked = await LoadTestPhase.RunAsync(target.Address, light, settings, timeout.Token);
        await stopHostile.CancelAsync();
        await flooding;
        var hostilePhase = new PhaseStorage(clock.Elapsed, storage.Count - before);
        output.WriteLine($"phase 3, light tenants alone again: {quiet.Length} jobs in {quietPhase.Duration.TotalSeconds:F1} s; " +
            $"with tenant {plan[0].Name} hostile: {attacked.Length} jobs in {hostilePhase.Duration.TotalSeconds:F1} s, {hostile.Calls} hostile calls");
        var hostileJobs = await LoadTestPhase.FollowAllAsync(target.Address, plan[0], hostile.Accepted, timeout.Token);
        LoadTestReport.WritePhase(output, [.. attacked, .. hostileJobs]);
        return new LoadTestReport(plan, [.. warmUp], alone, flooded)
        {
            Hostile = new HostileReport(quiet, attacked, hostileJobs, hostile, target.IsEmbedded ? quietPhase : null, target.IsEmbedded ? hostilePhase : null),
        };
    }
}
