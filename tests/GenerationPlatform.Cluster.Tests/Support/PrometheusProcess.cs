using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GenerationPlatform.Cluster.Tests.Support;

/// <summary>
/// A real Prometheus server (Debian package <c>prometheus</c>, installed by .ci/run; <c>$GENPLAT_PROMETHEUS</c> overrides the
/// executable) scraping one target every second, with its data in a temporary folder; killed on dispose.
/// </summary>
public sealed class PrometheusProcess : IDisposable
{
    private readonly StringBuilder output = new();
    private readonly Process process;
    private readonly string folder;

    private PrometheusProcess(Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Prometheus' own HTTP API.</summary>
    public Uri Address { get; }

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) at <c>/metrics</c> as job <paramref name="job"/>.</summary>
    public static PrometheusProcess Start(string target, string job)
    {
        var executable = Environment.GetEnvironmentVariable("GENPLAT_PROMETHEUS") is { Length: > 0 } configured ? configured
            : new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Prometheus is not installed: apt-get install prometheus (as .ci/run does), or set GENPLAT_PROMETHEUS");
        var folder = Directory.CreateTempSubdirectory("genplat-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {job}
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target}']
            """);
        int port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                     $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" })
            start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        var prometheus = new PrometheusProcess(process, folder, port);
        process.OutputDataReceived += (_, e) => prometheus.Append(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return prometheus;
    }

    /// <summary>An instant query: each series' labels and value, or none while Prometheus is not up yet.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        if (process.HasExited) throw new InvalidOperationException($"Prometheus exited with code {process.ExitCode}. Output:\n{Output}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(Address, $"/api/v1/query?query={Uri.EscapeDataString(promql)}"), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK) return [];
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                .Select(series => (
                    series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
                    double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
                .ToList();
        }
        catch (HttpRequestException)
        {
            return []; // not listening yet
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        process.Dispose();
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
