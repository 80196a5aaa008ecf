using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;

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
