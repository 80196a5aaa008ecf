using System.Diagnostics;

namespace GenerationPlatform.Bench;

/// <summary>
/// Waiting out the runtime's background compilation before a timed phase: its tier-up of what a warm-up ran would otherwise
/// share the cores with the first timed work (measured in this process: an embedded host's or the bare loop's).
/// </summary>
internal static class JitQuiet
{
    /// <summary>The longest wait: a silo's timers compile now and then for as long as it runs.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Waits (at most <see cref="Limit"/>) until no method has been compiled for a second: how long it took.</summary>
    public static async Task<TimeSpan> WaitAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var last = System.Runtime.JitInfo.GetCompilationTime();
        var quietSince = clock.Elapsed;
        while (clock.Elapsed - quietSince < TimeSpan.FromSeconds(1) && clock.Elapsed < Limit)
        {
            await Task.Delay(100, ct);
            var now = System.Runtime.JitInfo.GetCompilationTime();
            if (now != last) (last, quietSince) = (now, clock.Elapsed);
        }
        return clock.Elapsed;
    }
}
