using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// Watch streams open per tenant on this server, at most <see cref="RequestLimits.MaxWatchStreamsPerTenant"/>
/// each: every stream polls its job's grain while it lasts, so one tenant's streams must not crowd out the
/// rest. Counted per server (each silo hosts the API), not across the cluster.
/// </summary>
public sealed class WatchStreamSlots(IOptions<RequestLimits> limits)
{
    private readonly int perTenant = limits.Value.MaxWatchStreamsPerTenant;
    private readonly Dictionary<string, int> open = new(StringComparer.Ordinal);

    public int PerTenant => perTenant;

    /// <summary>A slot to dispose when the stream ends, or null when the tenant holds all of its slots.</summary>
    public IDisposable? TryEnter(string tenant)
    {
        lock (open)
        {
            int n = open.GetValueOrDefault(tenant);
            if (n >= perTenant) return null;
            open[tenant] = n + 1;
        }
        return new Slot(this, tenant);
    }

    /// <summary>Streams the tenant holds open now.</summary>
    public int Open(string tenant)
    {
        lock (open) return open.GetValueOrDefault(tenant);
    }

    private void Leave(string tenant)
    {
        lock (open)
        {
            if (open[tenant] == 1) open.Remove(tenant);
            else open[tenant]--;
        }
    }

    private sealed class Slot(WatchStreamSlots slots, string tenant) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) slots.Leave(tenant);
        }
    }
}
