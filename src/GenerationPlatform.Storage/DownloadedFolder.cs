namespace GenerationPlatform.Storage;

/// <summary>A folder <see cref="BlobFolderDownload"/> copied: where it is, the bytes it holds (as downloaded) and its files.</summary>
public sealed record DownloadedFolder(string Path, long Bytes, int Files);
