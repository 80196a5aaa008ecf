using Orleans.Placement;

namespace GenerationPlatform.Grains;

/// <summary>Places search jobs only on silos that host jobs (all of them when none says so, so a cluster never refuses its jobs).</summary>
public sealed class JobPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);
