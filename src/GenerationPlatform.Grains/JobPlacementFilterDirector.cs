using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace GenerationPlatform.Grains;

internal sealed class JobPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var all = silos.ToList();
        var hosting = all.Where(s => SiloCapabilities.HostsJobsIn(metadata.GetSiloMetadata(s).Metadata)).ToList();
        return hosting.Count > 0 ? hosting : all;
    }
}
