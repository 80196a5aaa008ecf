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
