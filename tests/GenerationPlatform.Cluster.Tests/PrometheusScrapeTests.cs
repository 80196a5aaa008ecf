using GenerationPlatform.Api.V1;
using GenerationPlatform.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace GenerationPlatform.Cluster.Tests;

/// <summary>A real Prometheus scrapes a cluster silo's /metrics on its HTTP port, as the chart's ServiceMonitor and compose configure it.</summary>
[Trait("Tier", "slow")]
public sealed class PrometheusScrapeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PrometheusScrapesASilosMetricsAndSeesTheTenantsCompletedJob()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var cluster = await PlatformCluster.StartAsync(new ClusterSpec(1, new Dictionary<string, string> { ["alpha"] = "alpha-metrics-key-01" }), ct);
        var silo = cluster.Silos[0];
        using var prometheus = PrometheusProcess.Start($"127.0.0.1:{silo.HttpPort}", "genplat");
        try
        {
            var job = new TenantJob("alpha", Jobs.Request(7, "Sneaker", 16));
            await Jobs.SubmitAsync(cluster, [job], ct);
            var ended = await Jobs.WaitEndedAsync(cluster, [job], ct);
            Assert.Equal(JobState.Completed, ended[0].State);

            // Scraped every second: the target is up and the job counter carries the tenant and the outcome.
            while (true)
            {
                var up = await prometheus.QueryAsync("up{job=\"genplat\"}", ct);
                var jobs = await prometheus.QueryAsync("genplat_jobs_total{tenant=\"alpha\",outcome=\"completed\"}", ct);
                if (up.Count == 1 && up[0].Value == 1 && jobs.Count == 1 && jobs[0].Value == 1) break;
                await Task.Delay(500, ct);
            }
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            output.WriteLine("===== prometheus =====\n" + prometheus.Output);
            throw;
        }
    }
}
