using System.Runtime.InteropServices;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>
/// Ctrl+C, SIGTERM or SIGHUP cancel <see cref="Token"/> instead of ending the process, so the run stops and cleans up
/// itself; a second signal terminates at once (the child processes' watchdog then kills them).
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource interrupted = new();
    private readonly PosixSignalRegistration[] registrations;
    private int signals;

    public InterruptSignals() =>
        registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];

    public CancellationToken Token => interrupted.Token;
    public bool Interrupted => interrupted.IsCancellationRequested;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref signals) > 1) return;
        context.Cancel = true;
        interrupted.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
        interrupted.Dispose();
    }
}
