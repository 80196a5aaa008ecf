namespace GenerationPlatform.Grains;

/// <summary>Places a grain keyed <c>{name}|{silo}</c> on that silo (anywhere compatible when the key names none).</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloBoundPlacement : PlacementStrategy;
