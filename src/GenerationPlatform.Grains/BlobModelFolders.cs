using GenerationPlatform.Contracts;
using Azure.Storage.Blobs;
using GenerationPlatform.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>
/// Model folders kept in Blob Storage: a <c>GenerationPlatform:Models:Folders</c> entry <c>blob:{container}/{prefix}</c> (optionally
/// <c>#sha256={hex}</c>, the SHA-256 of the folder's SHA256SUMS) is downloaded once, when the options are first read (silo start),
/// into <see cref="ModelOptions.CacheDirectory"/>, and served from there. All of them together hold at most
/// <see cref="ModelOptions.MaxDownloadBytes"/>. A download that fails is logged and leaves the entry as it is, which the registry then
/// refuses (no manifest), naming it; the other models are served.
/// </summary>
public sealed class BlobModelFolders(ILogger<BlobModelFolders>? logger = null) : IPostConfigureOptions<ModelOptions>
{
    public const string Scheme = "blob:";

    /// <summary>How long a silo waits for another process on its machine that downloads into the same cache.</summary>
    private static readonly TimeSpan CacheWait = TimeSpan.FromMinutes(30);

    public void PostConfigure(string? name, ModelOptions options)
    {
        var log = logger ?? (ILogger)NullLogger.Instance;
        if (!options.Folders.Any(f => f.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))) return;
        IDisposable cacheLock;
        try
        {
            cacheLock = BlobFolderDownload.LockCache(options.CacheDirectory, CacheWait);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No usable cache: every blob folder is refused, as one whose download failed; the local ones are served.
            var unusable = new IOException($"{ModelOptions.Section}:CacheDirectory ('{options.CacheDirectory}') cannot be used: {e.Message}", e);
            for (int i = 0; i < options.Folders.Count; i++)
                if (options.Folders[i].StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
                    BlobModelFoldersLog.Failed(log, unusable, $"{ModelOptions.Section}:Folders:{i}", options.Folders[i]);
            return;
        }
        using var held = cacheLock;
        if (BlobFolderDownload.RemoveLeftovers(options.CacheDirectory) is > 0 and var removed) BlobModelFoldersLog.LeftoversRemoved(log, removed, options.CacheDirectory);
        long left = options.MaxDownloadBytes;
        for (int i = 0; i < options.Folders.Count; i++)
        {
            var entry = options.Folders[i];
            if (!entry.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) continue;
            var key = $"{ModelOptions.Section}:Folders:{i}";
            try
            {
                var address = BlobFolderAddress.Parse(entry[Scheme.Length..]);
                if (string.IsNullOrWhiteSpace(options.BlobConnectionString))
                    throw new InvalidOperationException($"{ModelOptions.Section}:BlobConnectionString is not set");
                if (left <= 0)
                    throw new InvalidOperationException($"the folders before it took all of {ModelOptions.Section}:MaxDownloadBytes ({options.MaxDownloadBytes})");
                var client = new BlobContainerClient(options.BlobConnectionString, address.Container);
                var folder = BlobFolderDownload.DownloadAsync(client, address.Prefix, options.CacheDirectory, left, address.Sha256SumsPin, CancellationToken.None)
                    .GetAwaiter().GetResult();
                left -= folder.Bytes;
                options.Folders[i] = folder.Path;
                BlobModelFoldersLog.Downloaded(log, key, entry, folder.Path, folder.Files, folder.Bytes);
            }
            catch (Exception e) when (e is InvalidOperationException or Azure.RequestFailedException or IOException or FormatException or ArgumentException)
            {
                BlobModelFoldersLog.Failed(log, e, key, entry);
            }
        }
    }
}
