namespace GenerationPlatform.Api;

/// <summary>One tenant's key hashes; more than one lets keys rotate without downtime.</summary>
public sealed class TenantKeys
{
    public List<string> KeySha256 { get; set; } = [];
}
