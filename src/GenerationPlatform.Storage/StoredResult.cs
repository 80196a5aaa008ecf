namespace GenerationPlatform.Storage;

/// <summary>Where a job's result was stored.</summary>
/// <param name="Location">A URI for the job's <c>result.json</c> (a blob URI, or a file URI for the local folder).</param>
/// <param name="Names">Every file written, in the order written (result.json last).</param>
public sealed record StoredResult(string Location, IReadOnlyList<string> Names);
