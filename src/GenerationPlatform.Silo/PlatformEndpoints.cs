namespace GenerationPlatform.Silo;

/// <summary>Where a started host listens.</summary>
public sealed record PlatformEndpoints(string Grpc, string Http, string Mode)
{
    /// <summary>HTTP/JSON (GenerationPlatform:Host:JsonPort), or null when it is not served.</summary>
    public string? Json { get; init; }
}
