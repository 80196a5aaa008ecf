namespace GenerationPlatform.Storage;

/// <summary>One stored file of a job's result.</summary>
/// <param name="Name">File name under the job's prefix: <c>top-1.png</c> ... <c>top-K.png</c>, <c>result.json</c>.</param>
public sealed record ResultFile(string Name, ReadOnlyMemory<byte> Content);

/// <summary>Where a job's result was stored.</summary>
/// <param name="Location">A URI for the job's <c>result.json</c> (a blob URI, or a file URI for the local folder).</param>
/// <param name="Names">Every file written, in the order written (result.json last).</param>
public sealed record StoredResult(string Location, IReadOnlyList<string> Names);

/// <summary>
/// Where finished jobs' results live, under the layout <c>{tenant}/{job}/top-{k}.png</c> and
/// <c>{tenant}/{job}/result.json</c>. The JSON is written last, so its presence means the result is
/// whole: a reader that finds no result.json treats the job's result as absent.
/// </summary>
public interface IResultStore
{
    /// <summary>"folder" or "blob": what operators see in status and metrics.</summary>
    string Kind { get; }

    /// <summary>
    /// Writes the top-k PNGs then <c>result.json</c>. Throws <see cref="ResultStoreException"/> once
    /// retries are exhausted; never reports success for a result that is not fully stored.
    /// </summary>
    Task<StoredResult> WriteAsync(string tenantId, string jobId, IReadOnlyList<ReadOnlyMemory<byte>> topPngs,
        ReadOnlyMemory<byte> resultJson, CancellationToken cancellationToken = default);

    /// <summary>The stored result (its PNGs in rank order and its JSON), or null when no whole result is stored.</summary>
    Task<StoredResultContent?> ReadAsync(string tenantId, string jobId, CancellationToken cancellationToken = default);
}

/// <summary>A whole stored result read back.</summary>
public sealed record StoredResultContent(string Location, IReadOnlyList<byte[]> TopPngs, byte[] ResultJson);

/// <summary>A result that could not be stored or read, with the cause.</summary>
public sealed class ResultStoreException(string message, Exception? inner = null) : Exception(message, inner);
