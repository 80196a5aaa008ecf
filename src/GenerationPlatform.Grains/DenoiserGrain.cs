using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace GenerationPlatform.Grains;

/// <summary>
/// One <see cref="ContinuousBatchingDenoiser"/> per activation, so the trajectories of every job on
/// this silo share model calls, fairly between tenants in proportion to their configured weights (owner = tenant). The model runs on the
/// denoiser's own thread; the grain only enqueues and awaits, so it is reentrant and calls interleave.
/// </summary>
/// <remarks>
/// Placed only on silos whose metadata declares its model and an accelerator
/// (<see cref="SiloCapabilities"/>); there <see cref="IVelocityFieldProvider"/> supplies the model.
/// </remarks>
[Reentrant]
[ModelPlacementFilter]
public sealed class DenoiserGrain(IVelocityFieldProvider fields, IOptions<DenoiserOptions> options, IOptions<TenantQuotaOptions> tenants, ILogger<DenoiserGrain> logger) : Grain, IDenoiserGrain
{
    private ContinuousBatchingDenoiser? denoiser;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var model = this.GetPrimaryKeyString();
        var quotas = tenants.Value;
        denoiser = new ContinuousBatchingDenoiser(fields.Get(model), o.MaxBatch, o.MaxWait, o.WholeRequests, model, tenant => quotas.For(tenant).Weight);
        GrainLog.DenoiserActivated(logger, model, o.MaxBatch, o.MaxWait.TotalMilliseconds);
        return Task.CompletedTask;
    }

    public async Task<SegmentOutcome[]> DenoiseAsync(DenoiseSegment[] segments, string owner, CancellationToken cancellationToken)
    {
        var specs = segments.Select(s => s.ToSpec()).ToArray();
        // The returned task completes from the compute thread; the await resumes on this activation.
        var outcomes = await Denoiser.DenoiseAsync(specs, owner, cancellationToken);
        return outcomes.Select(o => o.ToContract()).ToArray();
    }

    public Task<DenoiserStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var s = Denoiser.Stats;
        return Task.FromResult(new DenoiserStats(s.ModelCalls, s.TrajectorySteps, s.MaxBatch, s.ComputeTime));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (denoiser is { } d)
        {
            denoiser = null;
            // Dispose joins the compute thread, which may be inside a model call: not on the grain scheduler.
            await Task.Run(d.Dispose, CancellationToken.None);
        }
    }

    private ContinuousBatchingDenoiser Denoiser => denoiser ?? throw new InvalidOperationException("the denoiser grain is not active");
}
