using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenerationPlatform.Storage;

/// <summary>
/// The embedded default: results under <c>{root}/{tenant}/{job}/</c> as <c>top-1.png</c> ... <c>top-K.png</c> and
/// <c>result.json</c>, the JSON last. Each file is written to a temporary file in the same folder and renamed, so a
/// crash never leaves a partial file under a final name.
/// </summary>
public sealed class LocalFolderResultStore : IResultStore
{
    private const string ResultJsonName = "result.json";
    private readonly StorageRetry _retry;

    /// <param name="rootPath">Root folder; a relative path is taken from the working directory.</param>
    /// <param name="retry">Retry policy for transient I/O errors; defaults to <see cref="ResultStoreRetryOptions"/>'s defaults.</param>
    /// <param name="metrics">Where storage errors are counted; a Meter of its own when null.</param>
    /// <param name="logger">Where retries (warning) and failures (error) are logged; none when null.</param>
    public LocalFolderResultStore(string rootPath, ResultStoreRetryOptions? retry = null, StorageMetrics? metrics = null,
        ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        RootPath = Path.GetFullPath(rootPath);
        _retry = new StorageRetry(retry ?? new ResultStoreRetryOptions(), metrics ?? new StorageMetrics(), Kind, IsTransient,
            logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public string Kind => ResultStoreOptions.FolderKind;

    /// <summary>The absolute root folder.</summary>
    public string RootPath { get; }

    /// <inheritdoc />
    public async Task<StoredResult> WriteAsync(string tenantId, string jobId, IReadOnlyList<ReadOnlyMemory<byte>> topPngs,
        ReadOnlyMemory<byte> resultJson, CancellationToken cancellationToken = default)
    {
        var folder = JobFolder(tenantId, jobId);
        ArgumentNullException.ThrowIfNull(topPngs);
        using var call = _retry.Begin($"{tenantId}/{jobId}", cancellationToken);

        await call.RunAsync("write", folder, _ => { Directory.CreateDirectory(folder); return Task.CompletedTask; }).ConfigureAwait(false);
        // A rewrite first removes the old result.json, so no reader pairs it with half-replaced PNGs.
        var jsonPath = Path.Combine(folder, ResultJsonName);
        await call.RunAsync("delete", ResultJsonName, _ => { File.Delete(jsonPath); return Task.CompletedTask; }).ConfigureAwait(false);

        var names = new List<string>(topPngs.Count + 1);
        for (var k = 1; k <= topPngs.Count; k++)
        {
            var name = TopPngName(k);
            var content = topPngs[k - 1];
            await call.RunAsync("write", name, token => WriteAtomicallyAsync(folder, name, content, token)).ConfigureAwait(false);
            names.Add(name);
        }

        await call.RunAsync("delete", "top-*.png", _ => { DeleteRanksAbove(folder, topPngs.Count); return Task.CompletedTask; })
            .ConfigureAwait(false);
        await call.RunAsync("write", ResultJsonName, token => WriteAtomicallyAsync(folder, ResultJsonName, resultJson, token))
            .ConfigureAwait(false);
        names.Add(ResultJsonName);
        return new StoredResult(new Uri(jsonPath).AbsoluteUri, names);
    }

    /// <inheritdoc />
    public async Task<StoredResultContent?> ReadAsync(string tenantId, string jobId, CancellationToken cancellationToken = default)
    {
        var folder = JobFolder(tenantId, jobId);
        using var call = _retry.BeginRead($"{tenantId}/{jobId}", cancellationToken);
        return await call.RunAsync("read", folder, async token =>
        {
            var jsonPath = Path.Combine(folder, ResultJsonName);
            byte[] json;
            try
            {
                json = await File.ReadAllBytesAsync(jsonPath, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }

            var pngs = new List<byte[]>();
            for (var k = 1; File.Exists(Path.Combine(folder, TopPngName(k))); k++)
                pngs.Add(await File.ReadAllBytesAsync(Path.Combine(folder, TopPngName(k)), token).ConfigureAwait(false));
            return new StoredResultContent(new Uri(jsonPath).AbsoluteUri, pngs, json);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, string jobId, CancellationToken cancellationToken = default)
    {
        var folder = JobFolder(tenantId, jobId);
        using var call = _retry.BeginRead($"{tenantId}/{jobId}", cancellationToken);
        return await call.RunAsync("delete", folder, _ =>
        {
            try
            {
                File.Delete(Path.Combine(folder, ResultJsonName));
                Directory.Delete(folder, recursive: true);
                return Task.FromResult(true);
            }
            catch (DirectoryNotFoundException)
            {
                return Task.FromResult(false); // nothing stored, or another deletion was first
            }
        }).ConfigureAwait(false);
    }

    internal static string TopPngName(int rank) => $"top-{rank}.png";

    private string JobFolder(string tenantId, string jobId)
    {
        StorageSegment.Validate(tenantId, nameof(tenantId));
        StorageSegment.Validate(jobId, nameof(jobId));
        var folder = Path.GetFullPath(Path.Combine(RootPath, tenantId, jobId));
        // Validated segments cannot leave the root; this guards the invariant, not user input.
        if (!folder.StartsWith(RootPath.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"Job folder {folder} is outside the result root {RootPath}.");
        return folder;
    }

    private static async Task WriteAtomicallyAsync(string folder, string name, ReadOnlyMemory<byte> content, CancellationToken token)
    {
        var temporary = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096,
                             FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, token).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path.Combine(folder, name), overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    // A rewrite with fewer outputs must not leave the old top-(K+1)... where a reader would pick them up.
    private static void DeleteRanksAbove(string folder, int count)
    {
        foreach (var path in Directory.EnumerateFiles(folder, "top-*.png"))
        {
            var name = Path.GetFileName(path);
            if (int.TryParse(name.AsSpan(4, name.Length - 8), out var rank) && rank > count)
                File.Delete(path);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static bool IsTransient(Exception exception) =>
        exception is IOException and not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException);
}
