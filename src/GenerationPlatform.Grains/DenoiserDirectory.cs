using System.Collections.Concurrent;
using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace GenerationPlatform.Grains;

/// <summary>
/// The denoisers of each model, one per silo that declares the model and an accelerator, with their
/// load: a per-silo directory that routes each denoise call to the least-loaded denoiser. Loads come
/// from the denoisers' reports (queued rows, recent rows/s), refreshed when older than a second, and
/// raised locally by every call routed, so consecutive calls spread before the next report.
/// </summary>
public sealed class DenoiserDirectory(IClusterMembershipService membership, ISiloMetadataCache metadata, IGrainFactory grains, ILogger<DenoiserDirectory> logger)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (DenoiserLoad Load, DateTime At)> loads = new(StringComparer.Ordinal);

    /// <summary>The active silos that serve <paramref name="model"/>.</summary>
    public IReadOnlyList<SiloAddress> Silos(string model) => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active && SiloCapabilities.Serves(metadata.GetSiloMetadata(m.SiloAddress).Metadata, model))
        .Select(m => m.SiloAddress).ToList();

    public IDenoiserGrain Denoiser(string model, SiloAddress silo) => grains.GetGrain<IDenoiserGrain>(SiloBoundKey.Of(model, silo));

    /// <summary>
    /// The least-loaded denoiser of the model outside <paramref name="excluded"/>, charged locally with
    /// <paramref name="rows"/> more queued rows. Throws <see cref="NoDenoiserException"/> when none is up.
    /// </summary>
    public async Task<(IDenoiserGrain Denoiser, SiloAddress Silo)> PickAsync(string model, long rows, IReadOnlyCollection<SiloAddress> excluded,
        CancellationToken cancellationToken)
    {
        var silos = Silos(model).Where(s => !excluded.Contains(s)).ToList();
        if (silos.Count == 0) throw new NoDenoiserException($"no silo serving model '{model}' is up");
        var now = DateTime.UtcNow;
        var stale = silos.Where(s => !loads.TryGetValue(SiloBoundKey.Of(model, s), out var l) || now - l.At > Fresh).ToList();
        if (stale.Count > 0)
            await Task.WhenAll(stale.Select(async s =>
            {
                var key = SiloBoundKey.Of(model, s);
                try { loads[key] = (await Denoiser(model, s).GetLoadAsync(cancellationToken).WaitAsync(ReportTimeout, cancellationToken), DateTime.UtcNow); }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (e is UnknownModelException) throw;
                    // No report: count it as busy for a moment rather than dropping it (it may just be activating).
                    DenoiserLog.LoadReportFailed(logger, e, key);
                    loads[key] = (new DenoiserLoad(long.MaxValue / 4, 0, 0, 0), DateTime.UtcNow);
                }
            }));
        // Least expected wait; ties broken at random so that idle denoisers share the first calls.
        var best = silos.Select(s => (Silo: s, Wait: loads.TryGetValue(SiloBoundKey.Of(model, s), out var l) ? l.Load.ExpectedWait : 0, Tie: Random.Shared.Next()))
            .OrderBy(x => x.Wait).ThenBy(x => x.Tie).First().Silo;
        var chosen = SiloBoundKey.Of(model, best);
        loads.AddOrUpdate(chosen, _ => (new DenoiserLoad(rows, 0, 0, 1), DateTime.MinValue),
            (_, l) => (l.Load with { QueuedSteps = l.Load.QueuedSteps + rows, ActiveRequests = l.Load.ActiveRequests + 1 }, l.At));
        return (Denoiser(model, best), best);
    }

    /// <summary>Forgets a denoiser's load (its silo left or its call failed): the next pick asks again.</summary>
    public void Forget(string model, SiloAddress silo) => loads.TryRemove(SiloBoundKey.Of(model, silo), out _);
}
