namespace GenerationPlatform.Silo;

/// <summary>A host configuration that cannot start, with the key to fix in the message.</summary>
public sealed class HostConfigurationException(string message) : Exception(message);
