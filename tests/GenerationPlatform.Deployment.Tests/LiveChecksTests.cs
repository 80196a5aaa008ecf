using System.Diagnostics;
using System.Globalization;
using System.Net;
using GenerationPlatform.Grains;
using GenerationPlatform.Search;
using GenerationPlatform.Silo;
using GenerationPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>A real silo host (embedded, loopback ports) that the commands of the chart and compose are run against.</summary>
public sealed class LiveSilo : IAsyncLifetime
{
    private WebApplication? app;
    private readonly string results = Directory.CreateTempSubdirectory("genplat-live-").FullName;

    public int GrpcPort { get; private set; }
    public int HttpPort { get; private set; }

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["GenerationPlatform:Host:Mode"] = "embedded",
            ["GenerationPlatform:Host:ListenAddress"] = "127.0.0.1",
            ["GenerationPlatform:Host:GrpcPort"] = "0",
            ["GenerationPlatform:Host:HttpPort"] = "0",
            ["GenerationPlatform:Cluster:SiloPort"] = PlatformHostOptions.FreePort(IPAddress.Loopback).ToString(CultureInfo.InvariantCulture),
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = results,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        app = PlatformHost.Build(PlatformHost.CreateBuilder([], settings));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await app.StartAsync(timeout.Token);
        var endpoints = PlatformHost.Endpoints(app);
        GrpcPort = new Uri(endpoints.Grpc).Port;
        HttpPort = new Uri(endpoints.Http).Port;
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        try { Directory.Delete(results, true); }
        catch (IOException) { }
    }
}

/// <summary>
/// The shell commands that deployments run, run here for real: the `helm test` pod's gRPC health check and compose's
/// silo healthcheck against a running silo host, compose's Azurite healthcheck against a real Azurite, and the series
/// names and buckets of a real scrape against what the dashboards and alerts read.
/// </summary>
public sealed class LiveChecksTests(LiveSilo silo) : IClassFixture<LiveSilo>
{
    private static (int Exit, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(90_000)) { process.Kill(true); throw new TimeoutException($"{file} took over 90 s"); }
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void TheHelmTestPodsHealthCheckPassesOnARunningSiloAndFailsElsewhere()
    {
        var pod = Assert.Single(Repository.Documents(Repository.RenderChart(ChartTests.Required)), d => d.Scalar("kind") == "Pod");
        var command = Assert.Single(pod.Items("spec", "containers")).Items("command").Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Equal(["sh", "-c"], command[..2]);
        // The pod's script with its target ("<service>:<port>") pointed at this silo's gRPC port.
        var (exit, output) = Run("sh", "-c", command[2], command[3], $"127.0.0.1:{silo.GrpcPort}");
        Assert.True(exit == 0, output);
        Assert.Contains("SERVING", output);
        // The HTTP port answers no gRPC: the check fails, as it does against a silo that is not up.
        var (failed, why) = Run("sh", "-c", command[2].Replace("--retry 5", "--retry 0", StringComparison.Ordinal), command[3], $"127.0.0.1:{silo.HttpPort}");
        Assert.True(failed != 0, why);
        Assert.Contains("not SERVING", why);
    }

    [Fact]
    public void ComposesSiloHealthcheckPassesOnReadinessOnly()
    {
        var test = ComposeTests.Compose.Items("services", "silo-cpu", "healthcheck", "test").Select(t => ((YamlScalarNode)t).Value!).ToList();
        Assert.Equal("CMD", test[0]);
        var http = ComposeTests.Environment("silo-cpu")["GenerationPlatform__Host__HttpPort"];
        string[] Pointed(int port) => test.Skip(2).Select(a => a.Replace($"127.0.0.1:{http}/", $"127.0.0.1:{port}/", StringComparison.Ordinal)).ToArray();
        // Docker counts no failure during the start period (the silo warms its models before it is ready): the check is
        // run as Docker runs it, until it passes or the start period is over, and must pass within it.
        var startPeriod = TimeSpan.FromSeconds(int.Parse(ComposeTests.Compose.Scalar("services", "silo-cpu", "healthcheck", "start_period")!.TrimEnd('s'),
            CultureInfo.InvariantCulture));
        var deadline = Stopwatch.StartNew();
        var (exit, output) = Run(test[1], Pointed(silo.HttpPort));
        while (exit != 0 && deadline.Elapsed < startPeriod)
        {
            Thread.Sleep(500);
            (exit, output) = Run(test[1], Pointed(silo.HttpPort));
        }
        Assert.True(exit == 0, output);
        // The gRPC port serves no /healthz (HTTP/2 only): curl -f fails.
        Assert.NotEqual(0, Run(test[1], Pointed(silo.GrpcPort)).Exit);
    }

    [Fact]
    public async Task ComposesAzuriteHealthcheckPassesOnceBlobsAndTablesListen()
    {
        var test = ComposeTests.Compose.Items("services", "azurite", "healthcheck", "test").Select(t => ((YamlScalarNode)t).Value!).ToList();
        Assert.Equal(["CMD", "node", "-e"], test[..3]);
        Assert.Contains("[10000,10002]", test[3]);
        using var azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob | AzuriteServices.Table);
        var (exit, output) = Run("node", "-e", test[3].Replace("[10000,10002]", $"[{azurite.BlobPort},{azurite.TablePort}]", StringComparison.Ordinal));
        Assert.True(exit == 0, output);
        // A table port with nothing behind it: unhealthy.
        var closed = PlatformHostOptions.FreePort(IPAddress.Loopback);
        Assert.NotEqual(0, Run("node", "-e", test[3].Replace("[10000,10002]", $"[{azurite.BlobPort},{closed}]", StringComparison.Ordinal)).Exit);
    }

    [Fact]
    public async Task AScrapeHasTheSeriesAndTheBucketTheDashboardsAndAlertsRead()
    {
        const string model = "live-check-model";
        var seconds = ChartValues.Defaults()["telemetry"]!["prometheusRule"]!["alerts"]!["denoiserQueueWait"]!["seconds"]!.ToJsonString();
        using (PlatformMetrics.ObserveDenoiser(model, () => (48, 7)))
        {
            SearchTelemetry.QueueWait.Record(30, new KeyValuePair<string, object?>("model", model));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
            var scrape = await http.GetStringAsync("/metrics");
            var lines = scrape.Split('\n').Where(l => l.Contains($"model=\"{model}\"", StringComparison.Ordinal)).ToList();
            // The gauges under the names the dashboards query (no unit suffix), with their values.
            Assert.Contains(lines, l => l.StartsWith("genplat_denoiser_batch_cap{", StringComparison.Ordinal) && l.Split(' ')[1] == "48");
            Assert.Contains(lines, l => l.StartsWith("genplat_denoiser_queued{", StringComparison.Ordinal) && l.Split(' ')[1] == "7");
            // The bucket the queue-wait alert and panel read is there, spelt as they spell it; a 30 s wait is above it.
            var bucket = Assert.Single(lines,
                l => l.StartsWith("genplat_denoiser_queue_wait_seconds_bucket{", StringComparison.Ordinal) && l.Contains($"le=\"{seconds}\"", StringComparison.Ordinal));
            Assert.Equal("0", bucket.Split(' ')[1]);
            Assert.Contains(lines, l => l.StartsWith("genplat_denoiser_queue_wait_seconds_count{", StringComparison.Ordinal));
        }
        Assert.Contains("genplat_silo_up", await new HttpClient().GetStringAsync($"http://127.0.0.1:{silo.HttpPort}/metrics"));
    }
}
