namespace GenerationPlatform.Storage;

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
