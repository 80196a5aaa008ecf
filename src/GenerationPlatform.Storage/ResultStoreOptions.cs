using Azure.Storage.Blobs;

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

    /// <summary>The longest <see cref="RetentionDays"/> may be: ten years.</summary>
    public const int MaxRetentionDays = 3650;

    /// <summary>
    /// Key <c>GenerationPlatform:Results:RetentionDays</c>: ended jobs (their results, state and index rows) are removed
    /// this many days after they ended, by the silos' retention sweep; 0 (default): kept until their tenant deletes them.
    /// 0 to <see cref="MaxRetentionDays"/>.
    /// </summary>
    public int RetentionDays { get; set; }

    /// <summary>Keys under <c>GenerationPlatform:Results:Retry</c>: how transient storage failures are retried.</summary>
    public ResultStoreRetryOptions Retry { get; set; } = new();

    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IReadOnlyList<string> Problems()
    {
        var options = this;
        var failures = new List<string>();
        if (ResultStoreKinds.Is(options.Kind, ResultStoreOptions.FolderKind))
        {
            if (string.IsNullOrWhiteSpace(options.Path))
                failures.Add($"{SectionName}:Path must name the results folder when {SectionName}:Kind is 'folder'.");
            else
            {
                try { _ = System.IO.Path.GetFullPath(options.Path); }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
                { failures.Add($"{SectionName}:Path '{options.Path}' is not a valid path: {e.Message}"); }
            }
        }
        else if (ResultStoreKinds.Is(options.Kind, ResultStoreOptions.BlobKind))
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                failures.Add($"{SectionName}:ConnectionString is required when {SectionName}:Kind is 'blob'.");
            else
            {
                try { _ = new BlobServiceClient(options.ConnectionString); }
                catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
                { failures.Add($"{SectionName}:ConnectionString is not a valid Azure Storage connection string ({e.GetType().Name})."); }
            }
            if (options.Container is null || !ResultStoreKinds.ContainerName().IsMatch(options.Container))
                failures.Add($"{SectionName}:Container '{options.Container}' is not a valid container name: " +
                    "3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
        else
        {
            failures.Add($"{SectionName}:Kind must be 'folder' or 'blob' (got '{options.Kind}').");
        }

        if (RetentionDays is < 0 or > MaxRetentionDays)
            failures.Add($"{SectionName}:RetentionDays must be 0 (keep results until deleted) to {MaxRetentionDays} days (got {RetentionDays}).");

        var retry = options.Retry;
        const string R = SectionName + ":Retry";
        if (retry is null) failures.Add($"{R} must not be null.");
        else
        {
            if (retry.MaxAttempts < 1) failures.Add($"{R}:MaxAttempts must be at least 1 (got {retry.MaxAttempts}).");
            if (retry.InitialDelay < TimeSpan.Zero) failures.Add($"{R}:InitialDelay must not be negative (got {retry.InitialDelay}).");
            if (retry.MaxDelay < retry.InitialDelay)
                failures.Add($"{R}:MaxDelay ({retry.MaxDelay}) must be at least {R}:InitialDelay ({retry.InitialDelay}).");
            if (retry.TimeLimit <= TimeSpan.Zero || retry.TimeLimit > TimeSpan.FromDays(1))
                failures.Add($"{R}:TimeLimit must be positive and at most one day (got {retry.TimeLimit}).");
            if (retry.ReadTimeLimit <= TimeSpan.Zero || retry.ReadTimeLimit > TimeSpan.FromMinutes(5))
                failures.Add($"{R}:ReadTimeLimit must be positive and at most five minutes (got {retry.ReadTimeLimit}).");
            if (retry.AttemptTimeout <= TimeSpan.Zero) failures.Add($"{R}:AttemptTimeout must be positive (got {retry.AttemptTimeout}).");
        }
        return failures;
    }
}
