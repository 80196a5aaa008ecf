using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace GenerationPlatform.Cluster.Tests.Support;

/// <summary>A silo process that ended before it was ready.</summary>
public sealed class SiloExitedException(string message) : Exception(message);

/// <summary>
/// One <c>genplat serve</c> process (the real host, run with <c>dotnet genplat.dll</c>), configured only through
/// GenerationPlatform__... environment variables as a container would be. Its output is kept for failure messages.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private readonly StringBuilder output = new();
    private readonly Process process;

    private SiloProcess(string name, int grpcPort, int httpPort, int siloPort, int gatewayPort, Process process)
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
    public int GatewayPort { get; }
    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");
    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");
    public bool IsRunning => !process.HasExited;
    public int ProcessId => process.Id;

    /// <summary>What the process printed so far, stdout and stderr interleaved as read.</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Starts the process with <paramref name="environment"/> added to this process's environment.</summary>
    public static SiloProcess Start(string name, string genplatDll, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        int grpcPort, int httpPort, int siloPort, int gatewayPort)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(genplatDll);
        start.ArgumentList.Add("serve");
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["GenerationPlatform__Host__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["GenerationPlatform__Host__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["GenerationPlatform__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["GenerationPlatform__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, grpcPort, httpPort, siloPort, gatewayPort, process);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits until <c>/healthz/ready</c> answers 200 (the silo joined the cluster and gRPC is up).</summary>
    public async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new SiloExitedException($"silo {Name} exited with code {process.ExitCode} before it was ready. Output:\n{Output}");
            if (clock.Elapsed > ReadyTimeout)
                throw new TimeoutException($"silo {Name} was not ready within {ReadyTimeout.TotalSeconds} s. Output:\n{Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(HttpAddress, "/healthz/ready"), cancellationToken);
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
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        Append($"[test harness] {Name} killed (SIGKILL)");
    }

    /// <summary>SIGTERM (a graceful stop: Orleans leaves the cluster), then SIGKILL if it has not exited in <paramref name="patience"/>.</summary>
    public void Stop(TimeSpan patience)
    {
        if (process.HasExited) return;
        if (SendSignal(process.Id, SigTerm) == 0) process.WaitForExit(patience);
        Kill();
    }

    public void Dispose()
    {
        try { Kill(); }
        catch (InvalidOperationException) { } // never started or already reaped
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.Append(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} ").AppendLine(line);
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
