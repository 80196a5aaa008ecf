using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// The edge's token buckets (<see cref="RateLimitOptions"/>): a tenant's calls, a tenant's job requests, and an
/// address's failed authentications, each partition a bucket of its own that refills steadily. A refusal says when a
/// retry can pass, and is held a moment first (<see cref="RateLimitOptions.RefusalDelay"/>, a bounded number at once per
/// key), so a client that ignores the pushback is slowed to the delay instead of costing the edge its cores.
/// </summary>
public sealed class EdgeRateLimiter : IDisposable
{
    private readonly RateLimitOptions options;
    private readonly PartitionedRateLimiter<string> calls, submits, failures;
    private readonly ConcurrentDictionary<string, int> held = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    public EdgeRateLimiter(IOptions<RateLimitOptions> configured, TimeProvider? time = null)
    {
        options = configured.Value;
        this.time = time ?? TimeProvider.System;
        calls = Buckets(options.CallBurst, options.CallsPerSecond, TimeSpan.FromSeconds(1));
        submits = Buckets(options.SubmitBurst, options.SubmitsPerMinute, TimeSpan.FromMinutes(1));
        failures = Buckets(options.FailureBurst, options.FailuresPerMinute, TimeSpan.FromMinutes(1));
    }

    /// <summary>Null when the tenant may make a call (of a job when <paramref name="job"/>), else how long until it may.</summary>
    public TimeSpan? RefuseCall(string tenant, bool job)
    {
        if (!options.Enabled) return null;
        if (Refused(calls, tenant) is { } wait) return wait;
        return job ? Refused(submits, tenant) : null;
    }

    /// <summary>Counts a failed authentication against its address: null while the address is within its bucket, else how long until it is.</summary>
    public TimeSpan? FailedFrom(string address) => options.Enabled ? Refused(failures, address) : null;

    /// <summary>
    /// Holds a refusal of <paramref name="key"/>'s (a tenant, or an address) for up to <see cref="RateLimitOptions.RefusalDelay"/>,
    /// never past <paramref name="wait"/>, unless the key already has <see cref="RateLimitOptions.MaxHeldRefusals"/> held;
    /// returns how long it held it. Ends early when the call is cancelled.
    /// </summary>
    public async Task<TimeSpan> HoldAsync(string key, TimeSpan wait, CancellationToken cancellationToken)
    {
        var delay = wait < options.RefusalDelay ? wait : options.RefusalDelay;
        if (delay <= TimeSpan.Zero) return TimeSpan.Zero;
        if (held.AddOrUpdate(key, 1, (_, n) => n + 1) > options.MaxHeldRefusals)
        {
            Release(key);
            return TimeSpan.Zero;
        }
        long start = time.GetTimestamp();
        try { await Task.Delay(delay, time, cancellationToken); }
        catch (OperationCanceledException) { } // the caller left: its refusal goes nowhere
        finally { Release(key); }
        return time.GetElapsedTime(start);
    }

    private void Release(string key)
    {
        // The last one out removes the key, so addresses that come and go leave nothing behind.
        if (held.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0) held.TryRemove(new KeyValuePair<string, int>(key, 0));
    }

    private static TimeSpan? Refused(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);

    /// <summary>A token bucket per key: <paramref name="size"/> tokens, <paramref name="perPeriod"/> of them back each <paramref name="period"/>.</summary>
    private static PartitionedRateLimiter<string> Buckets(int size, double perPeriod, TimeSpan period)
    {
        // Refill in small steps (at least one token each), so that a refusal's retry-after is short and honest.
        int perRefill = Math.Max(1, (int)Math.Ceiling(perPeriod / 10));
        var every = TimeSpan.FromTicks((long)(period.Ticks * perRefill / perPeriod));
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = size,
            TokensPerPeriod = perRefill,
            ReplenishmentPeriod = every < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : every,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public void Dispose()
    {
        calls.Dispose();
        submits.Dispose();
        failures.Dispose();
    }
}
