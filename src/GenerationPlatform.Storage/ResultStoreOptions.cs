namespace GenerationPlatform.Storage;

/// <summary>
/// Where results are stored, bound from the configuration section <c>GenerationPlatform:Results</c>
/// (environment variables: <c>GenerationPlatform__Results__Kind</c> and so on).
/// </summary>
public sealed class ResultStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "GenerationPlatform:Results";

    /// <summary>The <see cref="Kind"/> of the local-folder store (the embedded default).</summary>
    public const string FolderKind = "folder";

    /// <summary>The <see cref="Kind"/> of the Azure Blob Storage store.</summary>
    public const string BlobKind = "blob";

    /// <summary>
    /// Key <c>GenerationPlatform:Results:Kind</c>: <c>folder</c> (default) writes under <see cref="Path"/>;
    /// <c>blob</c> writes to Azure Blob Storage (or Azurite) through <see cref="ConnectionString"/> and <see cref="Container"/>.
    /// </summary>
    public string Kind { get; set; } = FolderKind;

    /// <summary>
    /// Key <c>GenerationPlatform:Results:Path</c>: root folder of the <c>folder</c> store; a relative path is
    /// taken from the process's working directory. Default <c>results</c>. Ignored by the <c>blob</c> store.
    /// </summary>
    public string Path { get; set; } = "results";

    /// <summary>
    /// Key <c>GenerationPlatform:Results:ConnectionString</c>: Azure Storage connection string of the <c>blob</c>
    /// store (for Azurite: <c>UseDevelopmentStorage=true</c> or explicit endpoints). Required when Kind is <c>blob</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Key <c>GenerationPlatform:Results:Container</c>: blob container of the <c>blob</c> store, created if missing.
    /// Default <c>results</c>; 3 to 63 lowercase letters, digits and single hyphens.
    /// </summary>
    public string Container { get; set; } = "results";

    /// <summary>Keys under <c>GenerationPlatform:Results:Retry</c>: how transient storage failures are retried.</summary>
    public ResultStoreRetryOptions Retry { get; set; } = new();
}

/// <summary>
/// Retries with exponential backoff for transient storage failures (connection refused, timeouts, HTTP 408/429/5xx,
/// I/O errors). The defaults keep one write trying for 90 s, so a storage outage of tens of seconds only delays it.
/// Durations are .NET TimeSpans in configuration, e.g. <c>00:00:00.200</c> or <c>00:01:30</c>.
/// </summary>
public sealed class ResultStoreRetryOptions
{
    /// <summary>Key <c>GenerationPlatform:Results:Retry:MaxAttempts</c>: attempts per storage operation, first included. Default 30.</summary>
    public int MaxAttempts { get; set; } = 30;

    /// <summary>Key <c>GenerationPlatform:Results:Retry:InitialDelay</c>: wait before the first retry; doubles each retry. Default 200 ms.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Key <c>GenerationPlatform:Results:Retry:MaxDelay</c>: the longest wait between two attempts. Default 5 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Key <c>GenerationPlatform:Results:Retry:TimeLimit</c>: the longest one <c>WriteAsync</c> call
    /// may take, all attempts and waits included; then it fails with <see cref="ResultStoreException"/>. Default 90 s.
    /// </summary>
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Key <c>GenerationPlatform:Results:Retry:ReadTimeLimit</c>: the longest one <c>ReadAsync</c> call may take; a
    /// client waits on reads (GetJob, Watch), so during an outage they fail fast (UNAVAILABLE) instead. Default 5 s.
    /// </summary>
    public TimeSpan ReadTimeLimit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Key <c>GenerationPlatform:Results:Retry:AttemptTimeout</c>: the longest one request to blob storage may take
    /// before it counts as a transient failure and is retried. Default 30 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
