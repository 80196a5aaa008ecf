using GenerationPlatform.Contracts;
using GenerationPlatform.Serving;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace GenerationPlatform.Grains;

/// <summary>
/// One <see cref="ContinuousBatchingDenoiser"/> per activation, so the trajectories of every job routed
/// to this denoiser share model calls, fairly between tenants in proportion to their configured
/// weights (owner = tenant), oldest work first inside a share. The model runs on the denoiser's own
/// thread; the grain only enqueues and awaits, so it is reentrant and calls interleave.
/// </summary>
/// <remarks>
/// Key <c>{model}|{silo}</c>: one per (model, silo), placed on that silo (<see cref="SiloBoundPlacement"/>),
/// which must declare the model and an accelerator (<see cref="SiloCapabilities"/>); there
/// <see cref="IVelocityFieldProvider"/> supplies the model. Its batch cap is configured, or the one the silo settled before it
/// reported ready (<see cref="ModelWarmup"/>: measured on the device or remembered), else measured at activation, and again on demand.
/// </remarks>
[Reentrant]
[SiloBoundPlacement]
[ModelPlacementFilter]
public sealed class DenoiserGrain(IVelocityFieldProvider fields, IOptions<DenoiserOptions> options, IOptions<TenantQuotaOptions> tenants, ModelWarmup warmup,
    ILogger<DenoiserGrain> logger)
    : Grain, IDenoiserGrain
{
    private ContinuousBatchingDenoiser? denoiser;
    private IDisposable? observed;
    private string model = "";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        model = SiloBoundKey.Parse(this.GetPrimaryKeyString()).Name;
        var quotas = tenants.Value;
        var field = fields.Get(model);
        int? warm = o.MaxBatch > 0 ? o.MaxBatch : warmup.CapOf(model);
        var d = new ContinuousBatchingDenoiser(field, warm ?? BatchCap.DefaultSizes[^1], o.MaxWait, o.WholeRequests, model,
            tenant => quotas.For(tenant).Weight, fields.Renderer(model));
        denoiser = d;
        observed = PlatformMetrics.ObserveDenoiser(model, () => (d.MaxBatch, d.Load.QueuedSteps));
        GrainLog.DenoiserActivated(logger, model, d.MaxBatch, o.MaxWait.TotalMilliseconds);
        // Not yet settled (a request before the silo reported ready, or a warm-up that failed): the warm-up's cap when it has
        // one, else measured on the compute thread before its first batch; activation (and load reports) need not wait for it.
        if (warm is null) _ = SettleCapAsync(d, warmup.CapWhenWarm(model));
        return Task.CompletedTask;
    }

    private async Task SettleCapAsync(ContinuousBatchingDenoiser d, Task<int?>? warming)
    {
        try
        {
            if (warming is not null && await warming is { } cap) d.UseCap(cap);
            else await CalibrateAsync(CancellationToken.None);
        }
        catch (Exception e) { GrainLog.CalibrationFailed(logger, e, model, d.MaxBatch); }
    }

    public async Task<SegmentOutcome[]> DenoiseAsync(DenoiseSegment[] segments, string owner, long priority, CancellationToken cancellationToken)
    {
        var specs = segments.Select(s => s.ToSpec()).ToArray();
        // The returned task completes from the compute thread; the await resumes on this activation.
        var outcomes = await Denoiser.DenoiseAsync(specs, owner, cancellationToken, priority);
        return outcomes.Select(o => o.ToContract()).ToArray();
    }

    public Task<ModelSummary> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(fields.Describe(model).ToContract());

    public Task<DenoiserStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var s = Denoiser.Stats;
        return Task.FromResult(new DenoiserStats(s.ModelCalls, s.TrajectorySteps, s.MaxBatch, s.ComputeTime));
    }

    public Task<DenoiserLoad> GetLoadAsync(CancellationToken cancellationToken)
    {
        var (queued, rate, requests) = Denoiser.Load;
        return Task.FromResult(new DenoiserLoad(queued, rate, Denoiser.MaxBatch, requests));
    }

    public async Task<int> CalibrateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        // Checked against the cap in use when it was settled (measured or remembered), so that a noisy measurement does not move it.
        int? lastKnown = o.MaxBatch > 0 ? o.MaxBatch : warmup.CapOf(model);
        var choice = await Denoiser.CalibrateAsync([.. BatchCap.DefaultSizes.Where(b => b <= o.CalibrationMaxBatch)], o.CalibrationTimePerSize, o.CalibrationRepeats,
            lastKnown, cancellationToken);
        GrainLog.DenoiserCalibrated(logger, model, choice.Cap, choice.Knee, choice.LastKnown, choice.Curve);
        return choice.Cap;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        observed?.Dispose();
        if (denoiser is { } d)
        {
            denoiser = null;
            // Dispose joins the compute thread, which may be inside a model call: not on the grain scheduler.
            await Task.Run(d.Dispose, CancellationToken.None);
        }
    }

    private ContinuousBatchingDenoiser Denoiser => denoiser ?? throw new InvalidOperationException("the denoiser grain is not active");
}
