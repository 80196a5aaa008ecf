using Orleans.Runtime.Placement;

namespace GenerationPlatform.Grains;

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
