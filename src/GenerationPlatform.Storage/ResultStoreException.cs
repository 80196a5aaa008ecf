namespace GenerationPlatform.Storage;

/// <summary>A result that could not be stored or read, with the cause.</summary>
public sealed class ResultStoreException(string message, Exception? inner = null) : Exception(message, inner);
