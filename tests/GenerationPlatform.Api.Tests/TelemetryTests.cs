using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using GenerationPlatform.Search;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace GenerationPlatform.Api.Tests;

/// <summary>The host with an in-memory span exporter next to its real exporters.</summary>
public sealed class TelemetryFixture : PlatformFixture
{
    private readonly SpanCollector spans = new();

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans));

    /// <summary>A copy of the spans ended so far.</summary>
    public List<Activity> Spans() => spans.Snapshot();

    /// <summary>
    /// Collects ended spans under its own lock. (The SDK's in-memory exporter appends to a plain list under a lock
    /// of its own, so a reader copying that list can race an append.)
    /// </summary>
    private sealed class SpanCollector : BaseProcessor<Activity>
    {
        private readonly List<Activity> ended = [];

        public override void OnEnd(Activity data)
        {
            lock (ended) ended.Add(data);
        }

        public List<Activity> Snapshot()
        {
            lock (ended) return [.. ended];
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryFixture>
{
    public const string Name = "telemetry";
}

[Collection(TelemetryCollection.Name)]
public sealed partial class TelemetryTests(TelemetryFixture fixture)
{
    [Fact]
    public async Task OneJobsTraceRunsFromTheGrpcCallThroughRoundsBatchesAndTheResultWrite()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var end = await client.GenerateToEndAsync(PlatformFixture.Request(seed: 4242));
        var jobId = end.JobId;
        Assert.NotNull(end.Result);

        // Spans end on other threads shortly after the stream does.
        Activity? job = null;
        for (var until = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < until; await Task.Delay(50))
        {
            job = fixture.Spans().FirstOrDefault(s => s.OperationName == "search.job" && (string?)s.GetTagItem("genplat.job") == jobId);
            if (job is not null && fixture.Spans().Any(s => s.OperationName == "result.write" && s.TraceId == job.TraceId)) break;
        }
        Assert.NotNull(job);
        var spans = fixture.Spans();
        var trace = spans.Where(s => s.TraceId == job!.TraceId).ToList();

        // The gRPC call is the root: ASP.NET Core's server span for the Generate call.
        var call = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("GenerationService/Generate"));
        Assert.Equal(default, call.ParentSpanId);
        // Grain calls continue the trace (Orleans' activity propagation) down to the job's own span.
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        var rounds = trace.Where(s => s.OperationName == "search.round" && s.ParentSpanId == job!.SpanId).ToList();
        Assert.NotEmpty(rounds);
        Assert.Contains(trace, s => s.OperationName == "result.write" && s.ParentSpanId == job!.SpanId);
        // Batches serve many jobs: each is its own root, linked to the traces of the jobs it carried.
        Assert.Contains(spans, s => s.OperationName == "denoiser.batch" && s.ParentSpanId == default && s.Links.Any(l => l.Context.TraceId == job!.TraceId));
        Assert.Contains(spans, s => s.OperationName == "verifier.batch" && s.Links.Any(l => l.Context.TraceId == job!.TraceId));
    }

    [GeneratedRegex(@"\bgenplat_[a-z0-9_]+")]
    private static partial Regex MetricName();

    /// <summary>The Prometheus names the OpenTelemetry exporter gives an instrument (unit suffix, _total, histogram series).</summary>
    private static IEnumerable<string> PrometheusNames(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_').Replace('-', '_');
        if (instrument.Unit == "s") name += "_seconds";
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>)) return [name + "_total"];
        if (type == typeof(Histogram<>)) return [name + "_bucket", name + "_sum", name + "_count"];
        return [name];
    }

    [Fact]
    public async Task TheLibtorchInUseAndTheGpusAreExported()
    {
        using var http = new HttpClient { BaseAddress = fixture.HttpAddress };
        var line = Assert.Single((await http.GetStringAsync("/metrics")).Split('\n'), l => l.StartsWith("genplat_libtorch_info{", StringComparison.Ordinal));
        // This machine's: the build's own CPU libtorch (TorchSharp's libtorch package, 2.10), no CUDA.
        Assert.Contains("version=\"2.10", line, StringComparison.Ordinal);
        Assert.Contains("source=\"the build's own\"", line, StringComparison.Ordinal);
        Assert.Contains("cuda=\"false\"", line, StringComparison.Ordinal);
        Assert.Equal("1", line.Split(' ')[^1]);
    }

    [Fact]
    public async Task EveryMetricADashboardQueriesIsOneTheSiloExports()
    {
        // Some traffic, so that instruments with data appear in the scrape.
        using (var client = fixture.Client(PlatformFixture.AlphaKey))
            await client.GenerateToEndAsync(PlatformFixture.Request(seed: 77));
        using var http = new HttpClient { BaseAddress = fixture.HttpAddress };
        var scrape = await http.GetStringAsync("/metrics");

        // What the silo's meters publish, in Prometheus names.
        var published = new HashSet<string>(StringComparer.Ordinal);
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name is SearchTelemetry.Name or Silo.PlatformTelemetry.StorageMeter)
                    lock (published) published.UnionWith(PrometheusNames(instrument));
            };
            listener.Start();
        }
        // The naming rule above is the exporter's: every genplat series in a real scrape is among the published names.
        var scraped = scrape.Split('\n').Where(l => !l.StartsWith('#'))
            .Select(l => MetricName().Match(l)).Where(m => m.Success && m.Index == 0).Select(m => m.Value).ToHashSet();
        Assert.Contains("genplat_nfe_total", scraped);
        Assert.Contains("genplat_job_duration_seconds_bucket", scraped);
        Assert.All(scraped.Where(n => !n.EndsWith("_created", StringComparison.Ordinal)), n => Assert.Contains(n, published));

        var dashboards = Directory.GetFiles(Path.Combine(RepositoryRoot(), "infra", "grafana", "dashboards"), "*.json");
        Assert.NotEmpty(dashboards);
        foreach (var file in dashboards)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var queried = json.RootElement.GetProperty("panels").EnumerateArray()
                .SelectMany(p => p.GetProperty("targets").EnumerateArray())
                .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value)).ToHashSet();
            Assert.NotEmpty(queried);
            Assert.All(queried, q => Assert.True(published.Contains(q), $"{Path.GetFileName(file)} queries {q}, which the silo does not export"));
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenerationPlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException("no repository root");
    }
}
