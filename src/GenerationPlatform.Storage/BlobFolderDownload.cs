using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

namespace GenerationPlatform.Storage;

/// <summary>
/// Copies every blob under a prefix into <c>{cache}/{container}/{prefix}</c>, keeping the names below the prefix as relative
/// paths: how a model folder kept in Blob Storage reaches a silo. Bounded (files, and bytes counted as they arrive, not as
/// listed), refuses names that would leave the folder, checks every file against the folder's <see cref="Sha256Sums"/> when
/// it has one (and that file against a pin), and replaces the folder only once everything is downloaded and checked, so a
/// silo never reads half a model. The staging folder (<c>{folder}.partial-{id}</c>) goes on failure; one left by a process
/// that died is removed by <see cref="RemoveLeftovers"/>.
/// </summary>
public static partial class BlobFolderDownload
{
    public const int MaxFiles = 1_000;
    private const string LockFile = ".genplat-download.lock";

    [GeneratedRegex(@"\.partial-[0-9a-f]{32}$")]
    private static partial Regex StagingName();

    /// <param name="maxBytes">The most bytes the folder may hold, counted on what is downloaded.</param>
    /// <param name="sha256SumsPin">The SHA-256 the folder's SHA256SUMS must have (lowercase hex); null: checked only if present.</param>
    public static async Task<DownloadedFolder> DownloadAsync(BlobContainerClient container, string prefix, string cacheDirectory, long maxBytes,
        string? sha256SumsPin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var destination = BlobFolderAddress.LocalFolder(cacheDirectory, container.Name, prefix);
        prefix = BlobFolderAddress.CheckedPrefix(prefix);
        var start = prefix.Length == 0 ? "" : prefix + "/";
        var staging = destination + ".partial-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            long bytes = 0;
            var digests = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var item in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, start, cancellationToken)
                .ConfigureAwait(false))
            {
                var relative = item.Name[start.Length..];
                if (relative.Length == 0 || relative.EndsWith('/')) continue;
                if (!BlobFolderAddress.IsRelativeName(relative))
                    throw new InvalidOperationException($"blob '{item.Name}' has a name that cannot be a file below the model folder");
                if (digests.Count + 1 > MaxFiles) throw new InvalidOperationException($"more than {MaxFiles} blobs under '{start}'");
                // The listed length refuses early; the bytes that arrive are what is counted.
                if (bytes + (item.Properties.ContentLength ?? 0) > maxBytes) throw TooLarge(container, start, maxBytes);
                var path = Path.Combine(staging, relative.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var blob = container.GetBlobClient(item.Name);
                (var length, digests[relative]) = await CopyAsync(blob, path, maxBytes - bytes, () => TooLarge(container, start, maxBytes), cancellationToken)
                    .ConfigureAwait(false);
                bytes += length;
            }
            if (digests.Count == 0) throw new InvalidOperationException($"no blobs under '{start}' in container '{container.Name}'");
            if (Sha256Sums.Problem(digests, () => File.ReadAllBytes(Path.Combine(staging, Sha256Sums.FileName)), sha256SumsPin) is { } problem)
                throw new InvalidDataException($"'{start}' in container '{container.Name}': {problem}");
            if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            Directory.Move(staging, destination);
            return new DownloadedFolder(destination, bytes, digests.Count);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static Exception TooLarge(BlobContainerClient container, string start, long maxBytes) =>
        new InvalidOperationException($"'{start}' in container '{container.Name}' holds more than {maxBytes} bytes, the cap on this download");

    /// <summary>Writes one blob to <paramref name="path"/>, refusing it past <paramref name="maxBytes"/>; its length and SHA-256.</summary>
    private static async Task<(long Length, string Sha256)> CopyAsync(BlobClient blob, string path, long maxBytes, Func<Exception> tooLarge,
        CancellationToken cancellationToken)
    {
        using var download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        await using var source = download.Content;
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long length = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length > maxBytes) throw tooLarge();
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        return (length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>
    /// Holds the cache for this process (an exclusive lock on a file in it, released when disposed or when the process dies),
    /// waiting up to <paramref name="wait"/> for another process on this machine that downloads into the same cache.
    /// </summary>
    public static IDisposable LockCache(string cacheDirectory, TimeSpan wait)
    {
        Directory.CreateDirectory(cacheDirectory);
        var path = Path.Combine(cacheDirectory, LockFile);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>
    /// Removes the staging folders (<c>*.partial-{id}</c>) below <paramref name="cacheDirectory"/> that a download which did not finish
    /// left (the process killed, the disk full); call with the cache locked (<see cref="LockCache"/>). Returns how many went.
    /// </summary>
    public static int RemoveLeftovers(string cacheDirectory)
    {
        if (!Directory.Exists(cacheDirectory)) return 0;
        var root = Path.GetFullPath(cacheDirectory);
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        var leftovers = Directory.EnumerateDirectories(root, "*.partial-*", walk).Where(d => StagingName().IsMatch(d) && BlobFolderAddress.IsBelow(root, d)).ToList();
        // Outermost first; one inside another goes with it.
        foreach (var dir in leftovers.OrderBy(d => d.Length))
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return leftovers.Count;
    }
}
