using System.Collections.Concurrent;
using System.Diagnostics;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>
/// Fresh scrapes of the silos' /metrics: the exporter answers from a cache for 300 ms after each collection
/// (ScrapeResponseCacheDurationMilliseconds), so a scrape waits until the silo's previous one is older than that.
/// </summary>
internal sealed class MetricsScraper
{
    private static readonly TimeSpan ScrapeCache = TimeSpan.FromMilliseconds(400);
    private readonly ConcurrentDictionary<int, Stopwatch> lastScrape = new();

    public async Task<Dictionary<string, double>> ScrapeAsync(SiloHandle silo, CancellationToken ct)
    {
        if (lastScrape.TryGetValue(silo.HttpPort, out var last) && last.Elapsed < ScrapeCache) await Task.Delay(ScrapeCache - last.Elapsed, ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var text = await http.GetStringAsync(new Uri(silo.HttpAddress, "/metrics"), ct);
        lastScrape[silo.HttpPort] = Stopwatch.StartNew();
        return ClusterMetrics.Parse(text);
    }

    /// <summary>Every silo's metrics, scraped together.</summary>
    public async Task<Dictionary<string, double>[]> SnapshotAsync(IEnumerable<SiloHandle> silos, CancellationToken ct) =>
        await Task.WhenAll(silos.Select(s => ScrapeAsync(s, ct)));
}
