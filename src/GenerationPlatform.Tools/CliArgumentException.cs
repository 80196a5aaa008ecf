namespace GenerationPlatform.Tools;

/// <summary>A bad command-line argument; Program prints its message on one line and exits 2.</summary>
public sealed class CliArgumentException(string message) : Exception(message);
