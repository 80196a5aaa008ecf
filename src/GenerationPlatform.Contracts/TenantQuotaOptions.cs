
namespace GenerationPlatform.Contracts;

/// <summary>Tenant quotas (section GenerationPlatform:Tenants): a default and per-tenant overrides.</summary>
public sealed class TenantQuotaOptions
{
    public const string Section = "GenerationPlatform:Tenants";

    public TenantQuota Default { get; set; } = new();

    public Dictionary<string, TenantQuota> Quotas { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How old a reservation must be before a tenant at its concurrency limit asks the job whether it
    /// still runs (a reservation that no running job holds is then released).
    /// </summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(1);

    public TenantQuota For(string tenantId) => Quotas.TryGetValue(tenantId, out var quota) ? quota : Default;
    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems() =>
        Quotas.Select(kv => ($"{Section}:Quotas:{kv.Key}", kv.Value)).Prepend(($"{Section}:Default", Default))
            .Where(q => !(q.Item2.MaxConcurrentJobs > 0 && q.Item2.Weight > 0 && q.Item2.NfePerMinute > 0 && q.Item2.NfePerDay > 0 && q.Item2.MaxBudgetPerRequest > 0))
            .Select(q => $"{q.Item1}: every quota (MaxConcurrentJobs, Weight, NfePerMinute, NfePerDay, MaxBudgetPerRequest) must be positive");
}
