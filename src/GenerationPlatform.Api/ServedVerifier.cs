namespace GenerationPlatform.Api;

public sealed record ServedVerifier(string Name, string Description);
