using System.Globalization;
using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenerationPlatform.Storage;

/// <summary>
/// Results in Azure Blob Storage (or Azurite): blobs <c>{tenant}/{job}/top-{k}.png</c> (image/png) and
/// <c>{tenant}/{job}/result.json</c> (application/json), the JSON last, in one container created when missing.
/// The JSON blob carries the number of PNGs in its metadata, so a reader fetches exactly the ones written with it.
/// </summary>
public sealed class BlobResultStore : IResultStore
{
    /// <summary>Metadata key on result.json: how many top-k PNGs belong to it.</summary>
    public const string TopCountMetadataKey = "topcount";

    private const string ResultJsonName = "result.json";
    private readonly BlobContainerClient _container;
    private readonly StorageRetry _retry;
    private volatile bool _containerReady;

    /// <param name="container">The container; created on first write if missing.</param>
    /// <param name="retry">Retry policy; the client should not retry on its own (see <see cref="CreateClientOptions"/>).</param>
    /// <param name="metrics">Where storage errors are counted; a Meter of its own when null.</param>
    /// <param name="logger">Where retries (warning) and failures (error) are logged; none when null.</param>
    public BlobResultStore(BlobContainerClient container, ResultStoreRetryOptions? retry = null, StorageMetrics? metrics = null,
        ILogger? logger = null)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _retry = new StorageRetry(retry ?? new ResultStoreRetryOptions(), metrics ?? new StorageMetrics(), Kind, IsTransient,
            logger ?? NullLogger.Instance);
    }

    /// <summary>A store on <paramref name="containerName"/> of the account in <paramref name="connectionString"/>.</summary>
    public static BlobResultStore Create(string connectionString, string containerName, ResultStoreRetryOptions? retry = null,
        StorageMetrics? metrics = null, ILogger? logger = null)
    {
        retry ??= new ResultStoreRetryOptions();
        return new BlobResultStore(new BlobContainerClient(connectionString, containerName, CreateClientOptions(retry)), retry, metrics,
            logger);
    }

    /// <summary>
    /// Client options that leave retrying to this store's policy (one attempt per SDK call, each bounded by
    /// <see cref="ResultStoreRetryOptions.AttemptTimeout"/>), so attempts and time limits mean what they say.
    /// </summary>
    public static BlobClientOptions CreateClientOptions(ResultStoreRetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = retry.AttemptTimeout;
        return options;
    }

    /// <inheritdoc />
    public string Kind => ResultStoreOptions.BlobKind;

    /// <summary>The container results are written to.</summary>
    public Uri ContainerUri => _container.Uri;

    /// <inheritdoc />
    public async Task<StoredResult> WriteAsync(string tenantId, string jobId, IReadOnlyList<ReadOnlyMemory<byte>> topPngs,
        ReadOnlyMemory<byte> resultJson, CancellationToken cancellationToken = default)
    {
        var prefix = JobPrefix(tenantId, jobId);
        ArgumentNullException.ThrowIfNull(topPngs);
        using var call = _retry.Begin(prefix, cancellationToken);

        if (!_containerReady)
        {
            await call.RunAsync("create_container", _container.Name,
                token => _container.CreateIfNotExistsAsync(cancellationToken: token)).ConfigureAwait(false);
            _containerReady = true;
        }

        // A rewrite first removes the old result.json, so no reader pairs it with half-replaced PNGs.
        var json = _container.GetBlobClient(prefix + ResultJsonName);
        await call.RunAsync("delete", json.Name, token => json.DeleteIfExistsAsync(cancellationToken: token)).ConfigureAwait(false);

        var names = new List<string>(topPngs.Count + 1);
        for (var k = 1; k <= topPngs.Count; k++)
        {
            var name = LocalFolderResultStore.TopPngName(k);
            await UploadAsync(call, _container.GetBlobClient(prefix + name), topPngs[k - 1], "image/png", metadata: null)
                .ConfigureAwait(false);
            names.Add(name);
        }

        var metadata = new Dictionary<string, string> { [TopCountMetadataKey] = topPngs.Count.ToString(CultureInfo.InvariantCulture) };
        await UploadAsync(call, json, resultJson, "application/json", metadata).ConfigureAwait(false);
        names.Add(ResultJsonName);
        return new StoredResult(json.Uri.AbsoluteUri, names);
    }

    /// <inheritdoc />
    public async Task<StoredResultContent?> ReadAsync(string tenantId, string jobId, CancellationToken cancellationToken = default)
    {
        var prefix = JobPrefix(tenantId, jobId);
        using var call = _retry.BeginRead(prefix, cancellationToken);
        var json = _container.GetBlobClient(prefix + ResultJsonName);
        var jsonResult = await call.RunAsync("read", json.Name, token => DownloadOrNullAsync(json, token)).ConfigureAwait(false);
        if (jsonResult is null) return null;

        if (!jsonResult.Details.Metadata.TryGetValue(TopCountMetadataKey, out var countText)
            || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new ResultStoreException($"blob result store: {json.Uri} has no valid '{TopCountMetadataKey}' metadata.");

        var pngs = new List<byte[]>(count);
        for (var k = 1; k <= count; k++)
        {
            var png = _container.GetBlobClient(prefix + LocalFolderResultStore.TopPngName(k));
            var pngResult = await call.RunAsync("read", png.Name, token => DownloadOrNullAsync(png, token)).ConfigureAwait(false);
            if (pngResult is null) return null; // being rewritten or deleted: not a whole result
            pngs.Add(pngResult.Content.ToArray());
        }
        return new StoredResultContent(json.Uri.AbsoluteUri, pngs, jsonResult.Content.ToArray());
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, string jobId, CancellationToken cancellationToken = default)
    {
        var prefix = JobPrefix(tenantId, jobId);
        using var call = _retry.BeginRead(prefix, cancellationToken);
        var json = _container.GetBlobClient(prefix + ResultJsonName);
        bool deleted = await call.RunAsync("delete", json.Name, token => DeleteIfExistsAsync(json, token)).ConfigureAwait(false);
        // Whatever else lies under the job's prefix: its PNGs, and those of a write cut short.
        var names = await call.RunAsync("list", prefix, token => ListAsync(prefix, token)).ConfigureAwait(false);
        foreach (var name in names)
        {
            var blob = _container.GetBlobClient(name);
            deleted |= await call.RunAsync("delete", name, token => DeleteIfExistsAsync(blob, token)).ConfigureAwait(false);
        }
        return deleted;
    }

    private async Task<List<string>> ListAsync(string prefix, CancellationToken token)
    {
        var names = new List<string>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, token).ConfigureAwait(false)) names.Add(item.Name);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // No container: nothing was ever stored.
        }
        return names;
    }

    private static async Task<bool> DeleteIfExistsAsync(BlobClient blob, CancellationToken token)
    {
        try
        {
            return (await blob.DeleteIfExistsAsync(cancellationToken: token).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return false;
        }
    }

    private async Task UploadAsync(StorageRetry.StorageCall call, BlobClient blob, ReadOnlyMemory<byte> content, string contentType,
        IDictionary<string, string>? metadata)
    {
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType }, Metadata = metadata };
        await call.RunAsync("write", blob.Name, async token =>
        {
            try
            {
                await blob.UploadAsync(BinaryData.FromBytes(content), options, token).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // The container went away (deleted, or an emulator restarted without its data): make it again.
                _containerReady = false;
                await _container.CreateIfNotExistsAsync(cancellationToken: token).ConfigureAwait(false);
                _containerReady = true;
                await blob.UploadAsync(BinaryData.FromBytes(content), options, token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static async Task<BlobDownloadResult?> DownloadOrNullAsync(BlobClient blob, CancellationToken token)
    {
        try
        {
            return (await blob.DownloadContentAsync(token).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static string JobPrefix(string tenantId, string jobId)
    {
        StorageSegment.Validate(tenantId, nameof(tenantId));
        StorageSegment.Validate(jobId, nameof(jobId));
        return $"{tenantId}/{jobId}/";
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or (>= 500 and not 501 and not 505),
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        // Reached only when the caller did not cancel: the client's per-attempt network timeout.
        OperationCanceledException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransient),
        _ => false,
    };
}
