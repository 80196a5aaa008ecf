using System.Collections.Concurrent;
using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace GenerationPlatform.Grains;

/// <summary>
/// Keys of grains that live on a named silo: <c>{name}|{silo}</c>. A denoiser per (model, silo) and a
/// verifier per (verifier, silo) are such grains; a key without a silo names the grain anywhere.
/// </summary>
public static class SiloBoundKey
{
    private const char Separator = '|';

    public static string Of(string name, SiloAddress silo) => $"{name}{Separator}{silo.ToParsableString()}";

    /// <summary>The name and, when the key has one, the silo.</summary>
    public static (string Name, SiloAddress? Silo) Parse(string key)
    {
        int at = key.IndexOf(Separator);
        return at < 0 ? (key, null) : (key[..at], SiloAddress.FromParsableString(key[(at + 1)..]));
    }
}

/// <summary>Places a grain keyed <c>{name}|{silo}</c> on that silo (anywhere compatible when the key names none).</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloBoundPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(new SiloBoundPlacement());

internal sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var (name, silo) = SiloBoundKey.Parse(target.GrainIdentity.Key.ToString()!);
        if (silo is null)
            return Task.FromResult(compatible.Contains(context.LocalSilo) ? context.LocalSilo : compatible[Random.Shared.Next(compatible.Length)]);
        // Its silo left (or never served it): the caller routes elsewhere.
        if (!compatible.Contains(silo)) throw new SiloUnavailableException($"'{name}' is bound to silo {silo}, which is not an active silo that can host it");
        return Task.FromResult(silo);
    }
}

/// <summary>There is no denoiser for a model in the cluster right now (no silo that serves it is up).</summary>
public sealed class NoDenoiserException(string message) : Exception(message);

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
    public async Task<(IDenoiserGrain Denoiser, SiloAddress Silo)> PickAsync(string model, long rows, IReadOnlyCollection<SiloAddress> excluded, CancellationToken cancellationToken)
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

internal static partial class DenoiserLog
{
    [LoggerMessage(50, LogLevel.Debug, "Denoiser {Key} gave no load report")]
    public static partial void LoadReportFailed(ILogger logger, Exception exception, string key);
}
