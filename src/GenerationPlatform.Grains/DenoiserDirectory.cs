using System.Collections.Concurrent;
using System.Collections.Immutable;
using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace GenerationPlatform.Grains;

/// <summary>
/// The denoisers of each model, one per silo that declares the model and an accelerator, with their
/// load: a per-silo directory that routes each denoise call to the denoiser whose queue would clear first. Loads come
/// from the denoisers' reports (queued rows, and the rows per second of a full call by the fit of its call times),
/// refreshed when older than a second, plus the rows this directory routed to it since the report was asked for (a
/// report does not hold calls still on their way, and calls routed while it was on its way must not be forgotten
/// when it lands). A denoiser that has not run a call yet is taken to work at the mean rate of the others.
/// </summary>
public sealed class DenoiserDirectory(IClusterMembershipService membership, ISiloMetadataCache metadata, IGrainFactory grains, ILogger<DenoiserDirectory> logger)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, DenoiserLoadEntry> loads = new(StringComparer.Ordinal);

    /// <summary>The active silos that serve <paramref name="model"/>.</summary>
    public IReadOnlyList<SiloAddress> Silos(string model) => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active && SiloCapabilities.Serves(metadata.GetSiloMetadata(m.SiloAddress).Metadata, model))
        .Select(m => m.SiloAddress).ToList();

    public IDenoiserGrain Denoiser(string model, SiloAddress silo) => grains.GetGrain<IDenoiserGrain>(SiloBoundKey.Of(model, silo));

    /// <summary>
    /// The denoiser of the model outside <paramref name="excluded"/> whose queue would clear first, charged locally with
    /// <paramref name="rows"/> more queued rows. Throws <see cref="NoDenoiserException"/> when none is up.
    /// </summary>
    public async Task<(IDenoiserGrain Denoiser, SiloAddress Silo)> PickAsync(string model, long rows, IReadOnlyCollection<SiloAddress> excluded,
        CancellationToken cancellationToken)
    {
        var silos = Silos(model).Where(s => !excluded.Contains(s)).ToList();
        if (silos.Count == 0) throw new NoDenoiserException($"no silo serving model '{model}' is up");
        var now = DateTime.UtcNow;
        var stale = silos.Where(s => !loads.TryGetValue(SiloBoundKey.Of(model, s), out var l) || now - l.ReportedAt > Fresh).ToList();
        if (stale.Count > 0) await Task.WhenAll(stale.Select(s => RefreshAsync(model, s, cancellationToken)));
        var entries = silos.Select(s => (Silo: s, Entry: loads.GetValueOrDefault(SiloBoundKey.Of(model, s)))).ToList();
        var rates = entries.Select(e => e.Entry?.Report.RowsPerSecond ?? 0).Where(r => r > 0).ToList();
        double fallback = rates.Count > 0 ? rates.Average() : 1;
        // Least expected wait; ties broken at random so that idle denoisers share the first calls.
        var best = entries.Select(e => (e.Silo, Wait: e.Entry?.ExpectedWait(fallback) ?? 0, Tie: Random.Shared.Next()))
            .OrderBy(x => x.Wait).ThenBy(x => x.Tie).First().Silo;
        var chosen = SiloBoundKey.Of(model, best);
        var charge = (DateTime.UtcNow, rows);
        loads.AddOrUpdate(chosen, _ => new DenoiserLoadEntry(new DenoiserLoad(0, 0, 0, 0), DateTime.MinValue, DateTime.MinValue, [charge]),
            (_, l) => l with { Charges = l.Charges.Add(charge) });
        return (Denoiser(model, best), best);
    }

    private async Task RefreshAsync(string model, SiloAddress silo, CancellationToken cancellationToken)
    {
        var key = SiloBoundKey.Of(model, silo);
        var asked = DateTime.UtcNow;
        DenoiserLoad report;
        try { report = await Denoiser(model, silo).GetLoadAsync(cancellationToken).WaitAsync(ReportTimeout, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (e is UnknownModelException) throw;
            // No report: count it as busy for a moment rather than dropping it (it may just be activating).
            DenoiserLog.LoadReportFailed(logger, e, key);
            report = new DenoiserLoad(long.MaxValue / 4, 0, 0, 0);
        }
        var arrived = DateTime.UtcNow;
        loads.AddOrUpdate(key, _ => new DenoiserLoadEntry(report, asked, arrived, []),
            // A newer report may have landed meanwhile: keep it. Else keep the charges made since this one was asked for.
            (_, l) => l.AskedAt > asked ? l : new DenoiserLoadEntry(report, asked, arrived, l.Charges.RemoveAll(c => c.At < asked)));
    }

    /// <summary>Forgets a denoiser's load (its silo left or its call failed): the next pick asks again.</summary>
    public void Forget(string model, SiloAddress silo) => loads.TryRemove(SiloBoundKey.Of(model, silo), out _);
}
