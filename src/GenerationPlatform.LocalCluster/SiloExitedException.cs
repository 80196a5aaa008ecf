namespace GenerationPlatform.LocalCluster;

/// <summary>A silo process that ended before it was ready.</summary>
public sealed class SiloExitedException(string message) : Exception(message);
