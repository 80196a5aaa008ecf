using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GenerationPlatform.LocalCluster;
using GenerationPlatform.Silo;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>The cluster's storage: Azurite with the table and blob services (clustering, grain state and reminders; job checkpoints), on free loopback ports.</summary>
internal sealed class AzuriteChild(ChildProcess process, string connectionString) : IDisposable
{
    private const string Variable = "GENPLAT_AZURITE", RepoLocal = ".tools/azurite/node_modules/.bin/azurite", Account = "devstoreaccount1";

    public string ConnectionString { get; } = connectionString;
    public string Output => process.Output;

    /// <summary>Starts Azurite with its data under <paramref name="folder"/> and returns once both services listen.</summary>
    public static async Task<AzuriteChild> StartAsync(ChildProcesses children, string executable, string folder, CancellationToken ct)
    {
        int blob = PlatformHostOptions.FreePort(IPAddress.Loopback),
            queue = PlatformHostOptions.FreePort(IPAddress.Loopback),
            table = PlatformHostOptions.FreePort(IPAddress.Loopback);
        var data = Directory.CreateDirectory(Path.Combine(folder, "azurite")).FullName;
        var process = children.Start("azurite", [executable, "--blobHost", "127.0.0.1", "--blobPort", Text(blob), "--queueHost", "127.0.0.1", "--queuePort", Text(queue),
            "--tableHost", "127.0.0.1", "--tablePort", Text(table), "--location", data, "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
            new Dictionary<string, string>(), data);
        var azurite = new AzuriteChild(process,
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};");
        var wait = Stopwatch.StartNew();
        foreach (var port in new[] { blob, table })
        {
            while (!await AcceptsAsync(port, ct))
            {
                if (!process.IsRunning) throw new InvalidOperationException($"Azurite ({executable}) exited before listening on port {port}. Output:\n{process.Output}");
                if (wait.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"Azurite did not listen on port {port} within 60 s. Output:\n{process.Output}");
                await Task.Delay(100, ct);
            }
        }
        Console.Error.WriteLine($"bench cluster: azurite (pid {process.ProcessId}) ready in {wait.Elapsed.TotalSeconds:F1} s");
        return azurite;
    }

    /// <summary>The azurite executable: <c>$GENPLAT_AZURITE</c>, else the repository's <c>.tools/azurite</c> install above the working directory or this program.</summary>
    public static string Executable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
            return File.Exists(configured) ? Path.GetFullPath(configured)
                : throw new CliArgumentException($"{Variable} is '{configured}', which does not exist: point it at the azurite executable, " +
                    "or unset it and run: npm install --prefix .tools/azurite azurite@3.37.0");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, RepoLocal))) return Path.Combine(dir.FullName, RepoLocal);
        throw new CliArgumentException("bench cluster needs Azurite: from the repository root run: npm install --prefix .tools/azurite azurite@3.37.0, " +
            $"or set {Variable} to an azurite executable");
    }

    public void Dispose() => process.Dispose();

    private static async Task<bool> AcceptsAsync(int port, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
