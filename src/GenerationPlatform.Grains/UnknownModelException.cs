namespace GenerationPlatform.Grains;

/// <summary>Thrown for a model name this silo does not serve.</summary>
public sealed class UnknownModelException(string message) : Exception(message);
