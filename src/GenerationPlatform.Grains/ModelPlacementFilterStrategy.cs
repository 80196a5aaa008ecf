using Orleans.Placement;

namespace GenerationPlatform.Grains;

/// <summary>Places a model-keyed grain only on silos that declare the model and an accelerator.</summary>
public sealed class ModelPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);
