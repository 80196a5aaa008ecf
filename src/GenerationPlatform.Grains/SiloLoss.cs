namespace GenerationPlatform.Grains;

/// <summary>
/// Denoise and verify calls are pure functions of their arguments, so a call lost with the silo that hosted the
/// denoiser or verifier grain is simply made again: once membership declares that silo dead, the grain activates
/// on another silo. Without this, every job using a grain on a dead silo would fail, not just the jobs that ran there.
/// </summary>
internal static class SiloLoss
{
    /// <summary>How long a call keeps being retried: longer than membership needs to declare a silo dead.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <param name="onWait">Runs when no target is up and the retry waits for one (a denoiser call forgets the silos it excluded).</param>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken, Action? onWait = null)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var deadline = DateTime.UtcNow + Patience;
        bool retriedAtOnce = false;
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (IsSiloLoss(e) && !cancellationToken.IsCancellationRequested && DateTime.UtcNow + delay < deadline)
            {
                // A lost target: the next try goes at once (a router picks another); no target up: wait for one.
                if (e is not NoDenoiserException && !retriedAtOnce)
                {
                    retriedAtOnce = true;
                    continue;
                }
                retriedAtOnce = false;
                if (e is NoDenoiserException) onWait?.Invoke();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }
        }
    }

    /// <summary>
    /// The target silo is gone or unreachable (SiloUnavailableException is a rejection). A timeout is not
    /// silo loss: the callee may still be working (or queueing fairly behind others), and sending the work
    /// again would only add to it; it fails the call.
    /// </summary>
    internal static bool IsSiloLoss(Exception e) => e is OrleansMessageRejectionException or NoDenoiserException;
}
