using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// Completed jobs' results as the API last sent them, least recently used dropped first, within
/// <see cref="RequestLimits.ResultCacheBytes"/>. A completed job's result never changes (result.json is
/// written last, once), so GetJob and Watch read it from the store once per server instead of on every
/// call; the store's account also holds the cluster's tables, and must not be hammered through GetJob.
/// </summary>
public sealed class CompletedResultCache(IOptions<RequestLimits> limits)
{
    private sealed record Entry((string Tenant, string JobId) Key, V1.JobResult Result, long Bytes);

    private readonly long capacity = limits.Value.ResultCacheBytes;
    private readonly Dictionary<(string, string), LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> recency = new(); // most recently used first
    private long bytes;

    /// <summary>Bytes held now.</summary>
    public long Bytes
    {
        get { lock (entries) return bytes; }
    }

    /// <summary>A copy of the cached result (images shared: ByteString is immutable), or null.</summary>
    public V1.JobResult? Get(string tenant, string jobId)
    {
        lock (entries)
        {
            if (!entries.TryGetValue((tenant, jobId), out var node)) return null;
            recency.Remove(node);
            recency.AddFirst(node);
            return node.Value.Result.Clone();
        }
    }

    /// <summary>Drops a job's result (it was deleted): this server no longer holds its images.</summary>
    public void Remove(string tenant, string jobId)
    {
        lock (entries)
        {
            if (!entries.Remove((tenant, jobId), out var node)) return;
            recency.Remove(node);
            bytes -= node.Value.Bytes;
        }
    }

    public void Add(string tenant, string jobId, V1.JobResult result)
    {
        long size = result.CalculateSize();
        if (size > capacity) return;
        var entry = new Entry((tenant, jobId), result.Clone(), size);
        lock (entries)
        {
            if (entries.Remove(entry.Key, out var old))
            {
                recency.Remove(old);
                bytes -= old.Value.Bytes;
            }
            while (bytes + size > capacity && recency.Last is { } last)
            {
                recency.RemoveLast();
                entries.Remove(last.Value.Key);
                bytes -= last.Value.Bytes;
            }
            entries[entry.Key] = recency.AddFirst(entry);
            bytes += size;
        }
    }
}
