namespace GenerationPlatform.Storage;

/// <summary>One stored file of a job's result.</summary>
/// <param name="Name">File name under the job's prefix: <c>top-1.png</c> ... <c>top-K.png</c>, <c>result.json</c>.</param>
public sealed record ResultFile(string Name, ReadOnlyMemory<byte> Content);
