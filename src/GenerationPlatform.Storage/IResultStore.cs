namespace GenerationPlatform.Storage;

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

    /// <summary>
    /// Removes everything stored for the job (result.json first, so no reader takes what is left for a whole result); true when
    /// there was something to remove. Idempotent. Throws <see cref="ResultStoreException"/> once retries are exhausted.
    /// </summary>
    Task<bool> DeleteAsync(string tenantId, string jobId, CancellationToken cancellationToken = default);
}
