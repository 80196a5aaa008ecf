namespace GenerationPlatform.Api;

/// <summary>Endpoint metadata: the endpoint answers only requests whose connection arrived on this local port.</summary>
public sealed record LocalPortMetadata(int Port);
