
namespace GenerationPlatform.Contracts;

/// <summary>Tenant quotas (section GenerationPlatform:Tenants): a default and per-tenant overrides.</summary>
public sealed class TenantQuotaOptions
{
    public const string Section = "GenerationPlatform:Tenants";

    public TenantQuota Default { get; set; } = new();

    /// <summary>
    /// Per-tenant overrides by tenant id, ignoring case as configuration does (and as the tenants of
    /// GenerationPlatform:Auth are named): a quota under <c>Alpha</c> is tenant <c>alpha</c>'s.
    /// </summary>
    public Dictionary<string, TenantQuota> Quotas { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How old a reservation must be before a tenant at its concurrency limit asks the job whether it
    /// still runs (a reservation that no running job holds is then released).
    /// </summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The tenant's quota (its override, whatever the case of either spelling), else the default.</summary>
    public TenantQuota For(string tenantId) =>
        Quotas.TryGetValue(tenantId, out var quota) ? quota
        : Quotas.FirstOrDefault(q => string.Equals(q.Key, tenantId, StringComparison.OrdinalIgnoreCase)).Value ?? Default;

    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems() =>
        Quotas.Select(kv => ($"{Section}:Quotas:{kv.Key}", kv.Value)).Prepend(($"{Section}:Default", Default))
            .Where(q => !(q.Item2.MaxConcurrentJobs > 0 && q.Item2.Weight > 0 && q.Item2.NfePerMinute > 0 && q.Item2.NfePerDay > 0 && q.Item2.MaxBudgetPerRequest > 0))
            .Select(q => $"{q.Item1}: every quota (MaxConcurrentJobs, Weight, NfePerMinute, NfePerDay, MaxBudgetPerRequest) must be positive")
            .Concat(Quotas.Keys.GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
                .Select(g => $"{Section}:Quotas: tenants {string.Join(" and ", g.Select(t => $"'{t}'"))} differ only in case; tenant ids ignore case"));
}
