using Azure.Storage.Blobs;

namespace GenerationPlatform.Storage;

/// <summary>
/// Copies every blob under a prefix into a local folder, keeping the names below the prefix as relative paths: how
/// a model folder kept in Blob Storage reaches a silo. Bounded (files and bytes), refuses names that would leave the
/// folder, and replaces the folder only once everything is downloaded, so a silo never reads half a model.
/// </summary>
public static class BlobFolderDownload
{
    public const int MaxFiles = 1_000;
    public const long MaxBytes = 16L << 30;

    /// <returns>The local folder (<paramref name="destination"/>).</returns>
    public static async Task<string> DownloadAsync(BlobContainerClient container, string prefix, string destination, CancellationToken cancellationToken)
    {
        prefix = prefix.Trim('/');
        var start = prefix.Length == 0 ? "" : prefix + "/";
        var staging = destination.TrimEnd(Path.DirectorySeparatorChar) + ".partial-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            int files = 0;
            long bytes = 0;
            await foreach (var item in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, start, cancellationToken)
                .ConfigureAwait(false))
            {
                var relative = item.Name[start.Length..];
                if (relative.Length == 0 || relative.EndsWith('/')) continue;
                if (relative.Split('/').Any(part => part is "" or "." or ".." || part.Contains('\\')))
                    throw new InvalidOperationException($"blob '{item.Name}' has a name that cannot be a file below the model folder");
                if (++files > MaxFiles) throw new InvalidOperationException($"more than {MaxFiles} blobs under '{start}'");
                bytes += item.Properties.ContentLength ?? 0;
                if (bytes > MaxBytes) throw new InvalidOperationException($"more than {MaxBytes} bytes under '{start}'");
                var path = Path.Combine(staging, relative.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await container.GetBlobClient(item.Name).DownloadToAsync(path, cancellationToken).ConfigureAwait(false);
            }
            if (files == 0) throw new InvalidOperationException($"no blobs under '{start}' in container '{container.Name}'");
            if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
            Directory.Move(staging, destination);
            return destination;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
