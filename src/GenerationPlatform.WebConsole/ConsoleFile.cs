namespace GenerationPlatform.WebConsole;

/// <summary>One file of the console as it is served: its bytes, media type and entity tag (a hash of its bytes).</summary>
internal sealed record ConsoleFile(string Name, byte[] Content, string ContentType, string ETag);
