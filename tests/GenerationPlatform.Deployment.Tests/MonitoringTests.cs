using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenerationPlatform.Grains;
using GenerationPlatform.Search;
using GenerationPlatform.Silo;
using GenerationPlatform.Storage;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// Dashboards and alerts against what the silos export, checked with Prometheus' own promtool (Debian's prometheus
/// package, which .ci/run installs): the compose Prometheus configuration and rules load, every dashboard query and
/// alert expression parses, the alerts fire on the series they are for and stay quiet otherwise (promtool test
/// rules), the chart's PrometheusRule and compose's rule file are the same rules, and every panel can be narrowed
/// to a silo.
/// </summary>
public sealed partial class MonitoringTests : IDisposable
{
    private const string ComposeJob = "genplat-silo";

    private readonly string folder = Directory.CreateTempSubdirectory("genplat-monitoring-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int Exit, string Output) Promtool(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("these checks need promtool: apt-get install prometheus (.ci/run does)", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000)) { process.Kill(true); throw new TimeoutException("promtool took over a minute"); }
            return (process.ExitCode, output.Result + error.Result);
        }
    }

    private string Temp(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static JsonNode Canonical(YamlNode node) => ChartValues.Convert(node)!;

    [Fact]
    public void TheComposePrometheusConfigurationAndRulesLoad()
    {
        var (exit, output) = Promtool("check", "config", Repository.PathOf("infra/prometheus/prometheus.yml"));
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 6 rules found", output);
        // And promtool is a checker that can fail: a rule with a broken expression is refused.
        var broken = Temp("broken.yml", "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum by (model rate(up[5m])\n");
        Assert.NotEqual(0, Promtool("check", "rules", broken).Exit);
    }

    /// <summary>The chart's PrometheusRule groups, rendered with <paramref name="values"/>.</summary>
    private static YamlNode ChartRuleGroups(params string[] values)
    {
        var docs = Repository.Documents(Repository.RenderChart([ChartTests.Required, "telemetry: { prometheusRule: { enabled: true } }", .. values]));
        return Assert.Single(docs, d => d.Scalar("kind") == "PrometheusRule").At("spec")!;
    }

    [Fact]
    public void TheChartsAlertsAreComposesAlertsAndPromtoolLoadsThem()
    {
        var chart = Canonical(ChartRuleGroups()).ToJsonString();
        // The chart selects its ServiceMonitor's job in its namespace; compose has one job.
        var compose = Canonical(Repository.Documents(File.ReadAllText(Repository.PathOf("infra/prometheus/alerts.yml"))).Single());
        Assert.Contains("job=\\u0022genplat-generation-platform-metrics\\u0022,namespace=\\u0022default\\u0022", chart);
        var asCompose = JsonNode.Parse(chart.Replace("job=\\u0022genplat-generation-platform-metrics\\u0022,namespace=\\u0022default\\u0022", $"job=\\u0022{ComposeJob}\\u0022",
            StringComparison.Ordinal));
        Assert.True(JsonNode.DeepEquals(compose, asCompose),
            "infra/prometheus/alerts.yml differs from the chart's rules (charts/generation-platform/templates/_alerts.tpl) with the default values: " +
            "render the chart and copy them");

        // Rendered with other thresholds, the chart's rules still load.
        var custom = ChartRuleGroups(
            "telemetry: { prometheusRule: { alerts: { denoiserQueueWait: { seconds: 30, fraction: 0.01, for: 20m }, jobFailures: { ratio: 0.2, for: 1h } } } }");
        var stream = new YamlStream(new YamlDocument(custom));
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var (exit, output) = Promtool("check", "rules", Temp("chart-rules.yml", writer.ToString()));
        Assert.True(exit == 0, output);
    }

    /// <summary>Compose's rule file without annotations (promtool test compares annotations literally; their wording is not what these tests are about).</summary>
    private string RulesWithoutAnnotations()
    {
        var doc = Repository.Documents(File.ReadAllText(Repository.PathOf("infra/prometheus/alerts.yml"))).Single();
        foreach (var rule in doc.Items("groups").SelectMany(g => g.Items("rules")).Cast<YamlMappingNode>())
            rule.Children.Remove(new YamlScalarNode("annotations"));
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(doc)).Save(writer, assignAnchors: false);
        return Temp("alerts.yml", writer.ToString());
    }

    [Fact]
    public void TheAlertsFireOnTheSeriesTheyAreForAndStayQuietOtherwise()
    {
        var rules = RulesWithoutAnnotations();
        var seconds = ChartValues.Defaults()["telemetry"]!["prometheusRule"]!["alerts"]!["denoiserQueueWait"]!["seconds"]!.ToJsonString();
        var j = ComposeJob;
        var tests = $$"""
            rule_files: [{{Path.GetFileName(rules)}}]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - { series: 'up{job="{{j}}",instance="silo-cpu/10.0.0.2:5081"}', values: '1 1 1 0 0 0 0 0 0 0 0 0' }
                  - { series: 'up{job="{{j}}",instance="silo-cpu/10.0.0.3:5081"}', values: '1x12' }
                  - { series: 'up{job="someone-else",instance="x:80"}', values: '0x12' }
                alert_rule_test:
                  - { eval_time: 4m, alertname: GenplatSiloDown, exp_alerts: [] }
                  - eval_time: 6m
                    alertname: GenplatSiloDown
                    exp_alerts: [ { exp_labels: { severity: critical, job: {{j}}, instance: "silo-cpu/10.0.0.2:5081" } } ]
                  - { eval_time: 11m, alertname: GenplatNoSilo, exp_alerts: [] }
              - interval: 1m
                input_series:
                  - { series: 'up{job="{{j}}",instance="silo-cpu/10.0.0.2:5081"}', values: '0x12' }
                alert_rule_test:
                  - { eval_time: 3m, alertname: GenplatNoSilo, exp_alerts: [] }
                  - { eval_time: 10m, alertname: GenplatNoSilo, exp_alerts: [ { exp_labels: { severity: critical } } ] }
              - interval: 1m
                input_series:
                  # velocity-unet: 10% of requests wait over the threshold; small: 1%.
                  - { series: 'genplat_denoiser_queue_wait_seconds_count{job="{{j}}",instance="a",model="velocity-unet"}', values: '0+600x30' }
                  - { series: 'genplat_denoiser_queue_wait_seconds_bucket{job="{{j}}",instance="a",model="velocity-unet",le="{{seconds}}"}', values: '0+540x30' }
                  - { series: 'genplat_denoiser_queue_wait_seconds_count{job="{{j}}",instance="a",model="small"}', values: '0+600x30' }
                  - { series: 'genplat_denoiser_queue_wait_seconds_bucket{job="{{j}}",instance="a",model="small",le="{{seconds}}"}', values: '0+594x30' }
                alert_rule_test:
                  - { eval_time: 5m, alertname: GenplatDenoiserQueueWaitHigh, exp_alerts: [] }
                  - { eval_time: 16m, alertname: GenplatDenoiserQueueWaitHigh, exp_alerts: [ { exp_labels: { severity: warning, model: velocity-unet } } ] }
              - interval: 1m
                input_series:
                  - { series: 'genplat_jobs_total{job="{{j}}",instance="a",tenant="alpha",outcome="completed"}', values: '0+90x40' }
                  - { series: 'genplat_jobs_total{job="{{j}}",instance="a",tenant="alpha",outcome="failed"}', values: '0+10x40' }
                alert_rule_test:
                  - { eval_time: 5m, alertname: GenplatJobFailureRate, exp_alerts: [] }
                  - { eval_time: 25m, alertname: GenplatJobFailureRate, exp_alerts: [ { exp_labels: { severity: warning } } ] }
              - interval: 1m
                input_series:
                  - { series: 'genplat_jobs_total{job="{{j}}",instance="a",tenant="alpha",outcome="completed"}', values: '0+98x40' }
                  - { series: 'genplat_jobs_total{job="{{j}}",instance="a",tenant="alpha",outcome="failed"}', values: '0+2x40' }
                alert_rule_test:
                  - { eval_time: 25m, alertname: GenplatJobFailureRate, exp_alerts: [] }
              - interval: 1m
                input_series:
                  # Retries are not alerts; a write that gave up is, for as long as it is in the 10-minute window.
                  - { series: 'genplat_storage_errors_total{job="{{j}}",instance="a",store_kind="blob",operation="write",outcome="retry"}', values: '0+5x30' }
                  - { series: 'genplat_storage_errors_total{job="{{j}}",instance="a",store_kind="blob",operation="write",outcome="failed"}', values: '0 0 0 1x27' }
                alert_rule_test:
                  - { eval_time: 5m, alertname: GenplatResultStoreFailures, exp_alerts: [] }
                  - { eval_time: 10m, alertname: GenplatResultStoreFailures, exp_alerts: [ { exp_labels: { severity: warning, store_kind: blob, operation: write } } ] }
                  - { eval_time: 25m, alertname: GenplatResultStoreFailures, exp_alerts: [] }
              - interval: 1m
                input_series:
                  - { series: 'genplat_quota_rejections_total{job="{{j}}",instance="a",tenant="alpha",quota="nfe_per_minute"}', values: '0+120x40' }
                  - { series: 'genplat_quota_rejections_total{job="{{j}}",instance="a",tenant="beta",quota="nfe_per_minute"}', values: '0+30x40' }
                alert_rule_test:
                  - { eval_time: 10m, alertname: GenplatQuotaRejections, exp_alerts: [] }
                  - { eval_time: 25m, alertname: GenplatQuotaRejections, exp_alerts: [ { exp_labels: { severity: info, tenant: alpha, quota: nfe_per_minute } } ] }
            """;
        var file = Path.Combine(Path.GetDirectoryName(rules)!, "alerts.test.yml");
        File.WriteAllText(file, tests);
        var (exit, output) = Promtool("test", "rules", file);
        Assert.True(exit == 0, output);
        // Each alert of the file is exercised above.
        var names = Repository.Documents(File.ReadAllText(rules)).Single().Items("groups").SelectMany(g => g.Items("rules")).Select(r => r.Scalar("alert")!);
        Assert.All(names, n => Assert.Contains($"alertname: {n}", tests));
        // promtool test can fail: the same expectation one minute before the alert can fire is refused.
        File.WriteAllText(file,
            tests.Replace("{ eval_time: 10m, alertname: GenplatNoSilo, exp_alerts: [ {", "{ eval_time: 4m, alertname: GenplatNoSilo, exp_alerts: [ {", StringComparison.Ordinal));
        Assert.NotEqual(0, Promtool("test", "rules", file).Exit);
    }

    [Fact]
    public void EveryAlertAndDashboardIsDocumented()
    {
        var operations = File.ReadAllText(Repository.PathOf("docs/OPERATIONS.md"));
        foreach (var alert in Repository.Documents(File.ReadAllText(Repository.PathOf("infra/prometheus/alerts.yml"))).Single()
                     .Items("groups").SelectMany(g => g.Items("rules")).Select(r => r.Scalar("alert")!))
            Assert.Contains($"`{alert}`", operations, StringComparison.Ordinal);
        foreach (var (file, _) in Dashboards()) Assert.Contains($"`{file}`", operations, StringComparison.Ordinal);
        foreach (var value in new[]
                 {
                     "telemetry.prometheusRule.enabled", "ingress.enabled", "ingress.tls.secretName", "tests.enabled", "gpuSilos.rollingUpdate", "--profile gpu",
                     "SILO_CPU_ACCELERATOR",
                 })
            Assert.Contains(value, operations, StringComparison.Ordinal);
    }

    [Fact]
    public void TheQueueWaitAlertsThresholdIsABucketBoundary()
    {
        // "Over N seconds" is read from the bucket le="N": it must be one of the histogram's boundaries.
        var boundaries = SearchTelemetry.QueueWait.Advice!.HistogramBucketBoundaries!;
        var seconds = double.Parse(ChartValues.Defaults()["telemetry"]!["prometheusRule"]!["alerts"]!["denoiserQueueWait"]!["seconds"]!.ToJsonString(),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(seconds, boundaries);
        Assert.Contains($"le=\"{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"", File.ReadAllText(Repository.PathOf("infra/prometheus/alerts.yml")));
    }

    private static IEnumerable<(string File, JsonElement Dashboard)> Dashboards() =>
        Directory.GetFiles(Repository.PathOf("infra/grafana/dashboards"), "*.json").Order()
            .Select(f => (Path.GetFileName(f), JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone()));

    private static IEnumerable<(string Panel, string Expr)> Queries(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray()
            .Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)));

    [GeneratedRegex(@"\b(?<name>genplat_[a-z0-9_]+)(?<selector>\{[^}]*\})?")]
    private static partial Regex MetricSelector();

    /// <summary>Grafana's variables as a query runs them with every silo and model selected.</summary>
    private static string AsPromQl(string expr) =>
        expr.Replace("$silo", ".+", StringComparison.Ordinal).Replace("$model", ".+", StringComparison.Ordinal).Replace("$__rate_interval", "1m", StringComparison.Ordinal);

    [Fact]
    public void EveryDashboardCanBeNarrowedToASiloAndItsQueriesParse()
    {
        var recording = new System.Text.StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        var count = 0;
        foreach (var (file, dashboard) in Dashboards())
        {
            var variables = dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
            Assert.Equal("datasource", variables["datasource"].GetProperty("type").GetString());
            var silo = variables["silo"];
            Assert.Equal("query", silo.GetProperty("type").GetString());
            Assert.Matches(@"^label_values\(genplat_silo_up, instance\)$", silo.GetProperty("definition").GetString());
            Assert.True(silo.GetProperty("multi").GetBoolean() && silo.GetProperty("includeAll").GetBoolean(), $"{file}: silo is not multi-value with All");
            Assert.False(dashboard.GetProperty("editable").GetBoolean(), $"{file}: a provisioned dashboard cannot save edits");
            foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
            {
                Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.NotEqual(0, panel.GetProperty("targets").GetArrayLength());
            }
            foreach (var (panel, expr) in Queries(dashboard))
            {
                var selectors = MetricSelector().Matches(expr).ToList();
                Assert.NotEmpty(selectors);
                // Every series a panel reads is narrowed to the chosen silos: no panel shows more than was asked for.
                Assert.All(selectors, m => Assert.Contains("instance=~\"$silo\"", m.Groups["selector"].Value));
                recording.Append($"      - record: dashboard:query{count++}\n        expr: {JsonSerializer.Serialize(AsPromQl(expr))}\n");
                _ = panel;
            }
        }
        var (exit, output) = Promtool("check", "rules", Temp("dashboards.yml", recording.ToString()));
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void TheDenoiserDashboardShowsLoadQueueWaitFillAndTheCapPerSilo()
    {
        var (_, dashboard) = Assert.Single(Dashboards(), d => d.File == "genplat-denoisers.json");
        var queries = Queries(dashboard).ToList();
        foreach (var metric in new[]
                 {
                     "genplat_denoiser_queued", "genplat_denoiser_batch_cap", "genplat_denoiser_queue_wait_seconds_bucket", "genplat_denoiser_batch_fill_sum", "genplat_nfe_total",
                 })
            Assert.Contains(queries, q => q.Expr.Contains(metric, StringComparison.Ordinal) && Regex.IsMatch(q.Expr, @"by \([^)]*\binstance\b"));
        var variables = dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Contains("model", variables);
    }

    /// <summary>The Prometheus names of every instrument the silo's meters publish (the OpenTelemetry exporter's rule).</summary>
    internal static HashSet<string> ExportedSeries()
    {
        RuntimeHelpers.RunClassConstructor(typeof(PlatformMetrics).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(PlatformTelemetry).TypeHandle);
        using var storage = new StorageMetrics();
        var published = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name is not (SearchTelemetry.Name or StorageMetrics.MeterName)) return;
                var name = instrument.Name.Replace('.', '_');
                if (instrument.Unit == "s") name += "_seconds";
                var type = instrument.GetType().GetGenericTypeDefinition();
                lock (published)
                {
                    if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>)) published.Add(name + "_total");
                    else if (type == typeof(Histogram<>)) published.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                    else published.Add(name);
                }
            },
        };
        listener.Start();
        return published;
    }

    [Fact]
    public void DashboardsAndAlertsQueryOnlySeriesTheSilosExport()
    {
        var exported = ExportedSeries();
        Assert.Contains("genplat_denoiser_batch_cap", exported);
        Assert.Contains("genplat_denoiser_queued", exported);
        var texts = Dashboards().SelectMany(d => Queries(d.Dashboard).Select(q => (d.File, q.Expr)))
            .Append(("alerts.yml", File.ReadAllText(Repository.PathOf("infra/prometheus/alerts.yml"))));
        foreach (var (file, text) in texts)
            foreach (Match m in MetricSelector().Matches(text))
                Assert.True(exported.Contains(m.Groups["name"].Value), $"{file} queries {m.Groups["name"].Value}, which the silo does not export");
    }
}
