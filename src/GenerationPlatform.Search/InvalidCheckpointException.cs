namespace GenerationPlatform.Search;

/// <summary>Thrown when a checkpoint cannot continue a search: corrupt, another version, or taken by another algorithm or request.</summary>
public sealed class InvalidCheckpointException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
