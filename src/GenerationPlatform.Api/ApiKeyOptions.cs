namespace GenerationPlatform.Api;

/// <summary>Tenants' API keys (section GenerationPlatform:Auth): only SHA-256 hashes are configured.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "GenerationPlatform:Auth";

    /// <summary>What a tenant id may be, for error messages.</summary>
    public const string TenantIdRule = "1-64 characters of letters, digits, '-', '_' or '.', and not '.' or '..'";

    /// <summary>Whether a tenant id is valid: a short name that can also name the tenant's result folder.</summary>
    public static bool IsTenantId(string? tenant) => RequestLimits.IsName(tenant, 64) && Storage.StorageSegment.IsValid(tenant!);

    /// <summary>
    /// Tenant id to its keys: <c>GenerationPlatform:Auth:Tenants:{tenant}:KeySha256:{n}</c> = 64 hex digits. Tenant ids are
    /// compared ignoring case, as configuration compares its keys (<c>Alpha</c> and <c>alpha</c> are one key there); quotas
    /// (<c>GenerationPlatform:Tenants:Quotas:{tenant}</c>) are looked up the same way.
    /// </summary>
    public Dictionary<string, TenantKeys> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        // Only options made in code can hold these (configuration has one key for both): which tenant a call is would depend on the spelling.
        foreach (var same in Tenants.Keys.GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            yield return $"{Section}:Tenants: tenant ids {string.Join(" and ", same.Select(t => $"'{t}'"))} differ only in case; tenant ids ignore case";
        var holders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (tenant, keys) in Tenants)
        {
            if (!IsTenantId(tenant)) yield return $"{Section}:Tenants: tenant id '{tenant}' must be {TenantIdRule}";
            if (keys.KeySha256.Count == 0) yield return $"{Section}:Tenants:{tenant}:KeySha256 lists no key hash";
            for (int i = 0; i < keys.KeySha256.Count; i++)
            {
                var hash = keys.KeySha256[i];
                var key = $"{Section}:Tenants:{tenant}:KeySha256:{i}";
                if (hash is null || hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                    yield return $"{Section}:Tenants:{tenant}:KeySha256 must hold SHA-256 hashes of keys as 64 hex digits (got '{hash}')";
                // One key opening two tenants would be authenticated as whichever matched first: refused, naming both places.
                else if (!holders.TryAdd(hash, key))
                    yield return $"{holders[hash]} and {key} hold the same key hash: a key must belong to one tenant, once";
            }
        }
    }
}
