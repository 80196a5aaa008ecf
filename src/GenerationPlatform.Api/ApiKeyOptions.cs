namespace GenerationPlatform.Api;

/// <summary>Tenants' API keys (section GenerationPlatform:Auth): only SHA-256 hashes are configured.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "GenerationPlatform:Auth";

    /// <summary>What a tenant id may be, for error messages.</summary>
    public const string TenantIdRule = "1-64 characters of letters, digits, '-', '_' or '.', and not '.' or '..'";

    /// <summary>Whether a tenant id is valid: a short name that can also name the tenant's result folder.</summary>
    public static bool IsTenantId(string? tenant) => RequestLimits.IsName(tenant, 64) && Storage.StorageSegment.IsValid(tenant!);

    /// <summary>Tenant id to its keys: <c>GenerationPlatform:Auth:Tenants:{tenant}:KeySha256:{n}</c> = 64 hex digits.</summary>
    public Dictionary<string, TenantKeys> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A problem with the configured tenants, or null when they are usable.</summary>
    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (tenant, keys) in Tenants)
        {
            if (!IsTenantId(tenant)) yield return $"{Section}:Tenants: tenant id '{tenant}' must be {TenantIdRule}";
            if (keys.KeySha256.Count == 0) yield return $"{Section}:Tenants:{tenant}:KeySha256 lists no key hash";
            foreach (var hash in keys.KeySha256)
                if (hash is null || hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                    yield return $"{Section}:Tenants:{tenant}:KeySha256 must hold SHA-256 hashes of keys as 64 hex digits (got '{hash}')";
        }
    }
}
