using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Verifiers.Core;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

/// <summary>
/// Denoising served by the denoisers of one model, on behalf of one tenant and job: each call goes to
/// the least-loaded denoiser (<see cref="DenoiserDirectory"/>). A call lost with its denoiser's silo
/// is sent again to another denoiser: the budget was charged once, before the first try, and the
/// segments are pure functions of their arguments, so nothing is lost or charged twice. With no
/// denoiser up, calls wait (with back-off) for one to come, as long as membership needs to notice.
/// </summary>
internal sealed class GrainDenoiser(DenoiserDirectory directory, ModelDescription model, string tenantId, long priority) : IDenoiser
{
    public ImageShape Shape => model.Shape;
    public ImageShape ImageShape => model.ImageShape;

    public async Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return [];
        var segments = batch.Select(s => s.ToContract()).ToArray();
        long rows = batch.Sum(s => (long)s.Nfe);
        var excluded = new List<SiloAddress>();
        var outcomes = await SiloLoss.RetryAsync(async () =>
        {
            var (denoiser, silo) = await directory.PickAsync(model.Name, rows, excluded, cancellationToken).ConfigureAwait(false);
            try
            {
                return await denoiser.DenoiseAsync(segments, tenantId, priority, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (SiloLoss.IsSiloLoss(e))
            {
                directory.Forget(model.Name, silo);
                excluded.Add(silo); // the next try goes elsewhere
                throw;
            }
        }, cancellationToken, onWait: excluded.Clear).ConfigureAwait(false);
        if (outcomes.Length != batch.Count) throw new InvalidOperationException($"denoiser returned {outcomes.Length} outcomes for {batch.Count} segments");
        return outcomes.Select(o => o.ToOutcome()).ToArray();
    }
}

/// <summary>
/// Scoring served by a <see cref="IVerifierGrain"/>. One call sends one batch and gets back scores
/// parallel to it, so the panel's order guarantee holds across the grain's micro-batching.
/// </summary>
internal sealed class GrainVerifier(IVerifierGrain grain, VerifierTraits traits, string tenantId) : IBatchScorer
{
    private readonly VerifierCostMeter meter = new();

    public string Name => traits.Name;
    public bool NeedsProbe => traits.NeedsProbe;
    public bool IsBatchRelative => traits.IsBatchRelative;
    public double FlopsPerImage => traits.FlopsPerImage;
    public double FlopsPerNoisyImage => traits.FlopsPerNoisyImage > 0 ? traits.FlopsPerNoisyImage : traits.FlopsPerImage;
    public bool RanksNoisyInputs => traits.RanksNoisyInputs;
    public VerifierCost Cost => meter.Snapshot;

    public async Task<double[]> ScoreAsync(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken)
    {
        var images = batch.Select(b => b.ToContract()).ToArray();
        var scores = await SiloLoss.RetryAsync(() => grain.ScoreAsync(images, tenantId, cancellationToken), cancellationToken).ConfigureAwait(false);
        meter.Measure(batch.Count, () => 0); // counts the call; the wall time is measured by the search context
        return scores;
    }
}

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
