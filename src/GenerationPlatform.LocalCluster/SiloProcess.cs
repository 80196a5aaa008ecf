using System.Globalization;
using System.Net;

namespace GenerationPlatform.LocalCluster;

/// <summary>
/// One silo executable process (genplat-silo, the real host; <see cref="SiloExecutable"/>), configured only through GenerationPlatform__... environment variables as
/// a container would be, on the loopback ports given; a child of a <see cref="ChildProcesses"/>, so it is never orphaned.
/// Its output is kept for failure messages.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    /// <summary>The host's readiness endpoint on its HTTP port (PlatformHost.ReadyPath): joined the cluster, gRPC up.</summary>
    public const string ReadyPath = "/healthz/ready";

    private readonly ChildProcess process;

    private SiloProcess(string name, int grpcPort, int httpPort, int siloPort, int gatewayPort, ChildProcess process)
    {
        Name = name;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        this.process = process;
    }

    public string Name { get; }
    public int GrpcPort { get; }
    public int HttpPort { get; }
    /// <summary>Orleans silo-to-silo port: how a <c>SiloAddress</c> names this process.</summary>
    public int SiloPort { get; }
    /// <summary>The Orleans gateway port; 0: none.</summary>
    public int GatewayPort { get; }
    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");
    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");
    public bool IsRunning => process.IsRunning;
    public int ProcessId => process.ProcessId;

    /// <summary>The last lines the process printed, stdout and stderr interleaved as read, each stamped with its time.</summary>
    public string Output => process.Output;

    /// <summary>
    /// Starts the silo executable (<c>dotnet genplat-silo.dll</c>) with <paramref name="environment"/> and the ports
    /// (GenerationPlatform__Host__GrpcPort/HttpPort, __Cluster__SiloPort/GatewayPort).
    /// </summary>
    public static SiloProcess Start(ChildProcesses children, string name, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, int grpcPort, int httpPort, int siloPort, int gatewayPort)
    {
        var env = new Dictionary<string, string>(environment, StringComparer.Ordinal)
        {
            ["GenerationPlatform__Host__GrpcPort"] = Text(grpcPort),
            ["GenerationPlatform__Host__HttpPort"] = Text(httpPort),
            ["GenerationPlatform__Cluster__SiloPort"] = Text(siloPort),
            ["GenerationPlatform__Cluster__GatewayPort"] = Text(gatewayPort),
        };
        return new SiloProcess(name, grpcPort, httpPort, siloPort, gatewayPort, children.Start(name, SiloExecutable.Command(), env, workingDirectory));
    }

    /// <summary>
    /// Waits until <see cref="ReadyPath"/> answers 200; throws <see cref="SiloExitedException"/> if the process ends first and
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/>, both with its output.
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (!process.IsRunning)
                throw new SiloExitedException($"silo {Name} exited before it was ready. Output:\n{Output}");
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"silo {Name} was not ready within {timeout.TotalSeconds} s. Output:\n{Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(HttpAddress, ReadyPath), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { } // answer too slow, ask again
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>SIGKILL, as a crashed or OOM-killed pod: no shutdown, no membership goodbye. Waits until it is gone.</summary>
    public void Kill()
    {
        if (!process.IsRunning) return;
        process.Dispose();
        process.Append($"[harness] {Name} killed (SIGKILL)");
    }

    /// <summary>SIGTERM (a graceful stop: Orleans leaves the cluster), then SIGKILL if it has not exited in <paramref name="patience"/>.</summary>
    public void Stop(TimeSpan patience)
    {
        if (!process.IsRunning) return;
        process.Terminate(patience);
        process.Dispose();
    }

    public void Dispose() => process.Dispose();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
