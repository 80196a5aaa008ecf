namespace GenerationPlatform.Storage;

/// <summary>A whole stored result read back.</summary>
public sealed record StoredResultContent(string Location, IReadOnlyList<byte[]> TopPngs, byte[] ResultJson);
