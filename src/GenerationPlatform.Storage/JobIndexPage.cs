namespace GenerationPlatform.Storage;

/// <summary>One page of a tenant's jobs, newest first; <see cref="Next"/> is where the next page starts (null: none).</summary>
public sealed record JobIndexPage(IReadOnlyList<JobIndexEntry> Jobs, string? Next);
