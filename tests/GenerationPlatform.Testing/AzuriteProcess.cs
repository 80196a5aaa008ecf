using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GenerationPlatform.Testing;

/// <summary>Which Azurite services to start.</summary>
[Flags]
public enum AzuriteServices
{
    /// <summary>Blob service.</summary>
    Blob = 1,
    /// <summary>Queue service.</summary>
    Queue = 2,
    /// <summary>Table service (Orleans clustering, grain state, reminders).</summary>
    Table = 4,
    /// <summary>All three.</summary>
    All = Blob | Queue | Table,
}

/// <summary>
/// A real Azurite emulator for tests, on free loopback ports and a temporary data folder, killed by its process id on
/// dispose. It can be stopped and started again on the same ports and folder to simulate an outage. Other test
/// projects can link this file (<c>&lt;Compile Include="../GenerationPlatform.Storage.Tests/Support/AzuriteProcess.cs" /&gt;</c>).
/// The executable is <c>$GENPLAT_AZURITE</c> when set, else <c>.tools/azurite/node_modules/.bin/azurite</c> in the repository.
/// </summary>
public sealed class AzuriteProcess : IDisposable
{
    /// <summary>Environment variable with the path of the <c>azurite</c> executable.</summary>
    public const string ExecutableVariable = "GENPLAT_AZURITE";

    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string RepoLocalExecutable = ".tools/azurite/node_modules/.bin/azurite";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _executable;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AzuriteProcess(string executable, AzuriteServices services)
    {
        _executable = executable;
        Services = services;
        BlobPort = FreeLoopbackPort();
        QueuePort = FreeLoopbackPort();
        TablePort = FreeLoopbackPort();
        Location = Directory.CreateTempSubdirectory("genplat-azurite-").FullName;
    }

    /// <summary>The services this instance serves.</summary>
    public AzuriteServices Services { get; }

    /// <summary>Loopback port of the blob service.</summary>
    public int BlobPort { get; }

    /// <summary>Loopback port of the queue service.</summary>
    public int QueuePort { get; }

    /// <summary>Loopback port of the table service.</summary>
    public int TablePort { get; }

    /// <summary>The data folder, kept across <see cref="Stop"/> and <see cref="StartAgainAsync"/>, deleted on dispose.</summary>
    public string Location { get; }

    /// <summary>True while the emulator process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Blob endpoint, e.g. <c>http://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");

    /// <summary>Queue endpoint.</summary>
    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");

    /// <summary>Table endpoint.</summary>
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>A connection string with the development account and explicit endpoints for the started services.</summary>
    public string ConnectionString
    {
        get
        {
            var text = new StringBuilder($"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};");
            if (Services.HasFlag(AzuriteServices.Blob)) text.Append($"BlobEndpoint={BlobEndpoint};");
            if (Services.HasFlag(AzuriteServices.Queue)) text.Append($"QueueEndpoint={QueueEndpoint};");
            if (Services.HasFlag(AzuriteServices.Table)) text.Append($"TableEndpoint={TableEndpoint};");
            return text.ToString();
        }
    }

    /// <summary>What the emulator printed (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts Azurite with <paramref name="services"/> and waits (at most 30 s) until every port accepts connections.</summary>
    public static async Task<AzuriteProcess> StartAsync(AzuriteServices services = AzuriteServices.Blob,
        CancellationToken cancellationToken = default)
    {
        var azurite = new AzuriteProcess(FindExecutable(), services);
        try
        {
            await azurite.StartAgainAsync(cancellationToken);
            return azurite;
        }
        catch
        {
            azurite.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The path of the azurite executable: <c>$GENPLAT_AZURITE</c>, else the repository's <c>.tools/azurite</c> install.
    /// Throws with install instructions when neither exists, so a test needing Azurite fails instead of skipping.
    /// </summary>
    public static string FindExecutable() =>
        FindExecutable(Environment.GetEnvironmentVariable(ExecutableVariable), AppContext.BaseDirectory);

    /// <summary><see cref="FindExecutable()"/> with the variable's value and the folder to search upwards from given.</summary>
    public static string FindExecutable(string? fromEnvironment, string searchFrom)
    {
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (File.Exists(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
            throw new InvalidOperationException(
                $"{ExecutableVariable} is '{fromEnvironment}', which does not exist. Point it at the azurite executable " +
                $"or unset it and run: npm install --prefix .tools/azurite azurite@3.37.0");
        }

        for (var folder = new DirectoryInfo(searchFrom); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, RepoLocalExecutable);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "Azurite is not installed. From the repository root run: npm install --prefix .tools/azurite azurite@3.37.0 " +
            $"(as .ci/run does), or set {ExecutableVariable} to the path of an azurite executable.");
    }

    /// <summary>Starts the emulator (again) on the same ports and data folder; waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning) throw new InvalidOperationException("Azurite is already running.");
        var (program, arguments) = CommandLine();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Location,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var ports = new List<int>();
        if (Services.HasFlag(AzuriteServices.Blob)) ports.Add(BlobPort);
        if (Services.HasFlag(AzuriteServices.Queue)) ports.Add(QueuePort);
        if (Services.HasFlag(AzuriteServices.Table)) ports.Add(TablePort);

        var deadline = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (!await AcceptsConnectionAsync(port, cancellationToken))
            {
                if (process.HasExited)
                    throw new InvalidOperationException(
                        $"Azurite ({program}) exited with code {process.ExitCode} before listening on port {port}. Output:\n{Output}");
                if (deadline.Elapsed > StartTimeout)
                {
                    Stop();
                    throw new TimeoutException($"Azurite did not accept connections on port {port} within {StartTimeout.TotalSeconds} s. Output:\n{Output}");
                }
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Stops the emulator and waits until it has exited; the data folder stays. By default it is killed (SIGKILL, as a
    /// crash would), and Azurite then loses what it had not yet saved to its folder, containers included. With
    /// <paramref name="graceful"/> it gets SIGTERM first (as <c>docker stop</c> sends) and saves its state.
    /// </summary>
    public void Stop(bool graceful = false)
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (graceful && !process.HasExited && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            {
                if (SendSignal(process.Id, SigTerm) == 0) process.WaitForExit(10_000);
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        try { Directory.Delete(Location, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private (string Program, List<string> Arguments) CommandLine()
    {
        // One service: its own binary beside azurite (azurite-blob ...), so nothing else starts; else azurite itself.
        var folder = Path.GetDirectoryName(_executable)!;
        string? single = Services switch
        {
            AzuriteServices.Blob => "blob",
            AzuriteServices.Queue => "queue",
            AzuriteServices.Table => "table",
            _ => null,
        };
        var program = _executable;
        var services = new List<string> { "blob", "queue", "table" };
        if (single is not null && File.Exists(Path.Combine(folder, "azurite-" + single)))
        {
            program = Path.Combine(folder, "azurite-" + single);
            services = [single];
        }

        var arguments = new List<string>();
        foreach (var service in services)
        {
            var port = service switch { "blob" => BlobPort, "queue" => QueuePort, _ => TablePort };
            arguments.AddRange([$"--{service}Host", "127.0.0.1", $"--{service}Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange(["--location", Location, "--silent", "--skipApiVersionCheck", "--disableTelemetry"]);
        return (program, arguments);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static async Task<bool> AcceptsConnectionAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
