namespace GenerationPlatform.Diffusion.Data;

/// <summary>Thrown for a missing, truncated or malformed dataset file; the message names the path.</summary>
public sealed class DatasetException(string message, Exception? inner = null) : Exception(message, inner);
