using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace GenerationPlatform.Grains;

internal sealed class ModelPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var model = SiloBoundKey.Parse(target.GrainIdentity.Key.ToString()!).Name;
        return silos.Where(s => SiloCapabilities.Serves(metadata.GetSiloMetadata(s).Metadata, model));
    }
}
