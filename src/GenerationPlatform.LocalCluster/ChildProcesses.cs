using System.Collections.Concurrent;
using System.Diagnostics;

namespace GenerationPlatform.LocalCluster;

/// <summary>
/// Every process a local cluster starts (<c>genplat-bench cluster</c>, the cluster tests). Each runs in a process group of its own (<c>setsid</c>) and is killed with its
/// group: on dispose, on this process's exit (ProcessExit: normal exit, SIGTERM, Ctrl+C past System.CommandLine's grace),
/// and, should this process die without running any of that (SIGKILL, a crash), by a watchdog: a <c>/bin/sh</c> that
/// ignores signals, learns each group on its stdin and kills the groups still listed when its stdin closes, which the
/// kernel does when this process ends however it ends; it then deletes the folders it was given (Azurite's data, results).
/// </summary>
public sealed class ChildProcesses : IDisposable
{
    private const string WatchdogScript =
        "trap '' INT TERM HUP QUIT; groups=''; dirs=''; nl='\n'; " +
        "while IFS= read -r line; do case \"$line\" in " +
        "+*) groups=\"$groups ${line#+}\" ;; " +
        "-*) keep=''; for g in $groups; do [ \"$g\" = \"${line#-}\" ] || keep=\"$keep $g\"; done; groups=$keep ;; " +
        "@*) dirs=\"$dirs$nl${line#@}\" ;; " +
        "esac; done; " +
        "for g in $groups; do kill -9 -\"$g\" 2>/dev/null; kill -9 \"$g\" 2>/dev/null; done; " +
        "IFS=\"$nl\"; for d in $dirs; do [ -n \"$d\" ] && rm -rf -- \"$d\"; done";

    private readonly ConcurrentDictionary<int, ChildProcess> live = new();
    private readonly List<(string Name, int Pid)> started = [];
    private readonly Process? watchdog;
    private readonly string? setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    private readonly object gate = new();
    private readonly Lock tellGate = new(); // Start, Forget (from any child's disposal) and DeleteWithChildren all write to the watchdog
    private readonly Action<string>? log;
    private bool disposed;

    /// <param name="log">Hears each start (name and pid), for a progress log; null: silent.</param>
    public ChildProcesses(Action<string>? log = null)
    {
        this.log = log;
        if (File.Exists("/bin/sh"))
        {
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(WatchdogScript);
            watchdog = Process.Start(start);
            if (watchdog is not null)
            {
                watchdog.StandardInput.AutoFlush = true;
                log?.Invoke($"started watchdog (pid {watchdog.Id})");
            }
        }
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Every process started, in order (the watchdog aside).</summary>
    public IReadOnlyList<(string Name, int Pid)> Started
    {
        get { lock (gate) return started.ToList(); }
    }

    public ChildProcess Start(string name, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var start = new ProcessStartInfo(setsid ?? command[0])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true, // never the terminal's
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            foreach (var argument in setsid is null ? command.Skip(1) : command) start.ArgumentList.Add(argument);
            foreach (var (k, v) in environment) start.Environment[k] = v;
            var child = new ChildProcess(name, start, ownGroup: setsid is not null, this);
            live[child.ProcessId] = child;
            started.Add((name, child.ProcessId));
            Tell($"+{child.ProcessId}");
            log?.Invoke($"started {name} (pid {child.ProcessId})");
            return child;
        }
    }

    /// <summary>A folder of the children's (data, results) that the watchdog deletes once it has killed them, if this process could not.</summary>
    public void DeleteWithChildren(string folder) => Tell($"@{folder}");

    internal void Forget(int pid)
    {
        if (live.TryRemove(pid, out _)) Tell($"-{pid}");
    }

    private void Tell(string line)
    {
        lock (tellGate)
        {
            try { watchdog?.StandardInput.WriteLine(line); }
            catch (IOException) { } // the watchdog is gone: disposal still kills every child
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private void KillAll()
    {
        foreach (var child in live.Values) child.Dispose();
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
        }
        KillAll();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (watchdog is not null)
        {
            try
            {
                watchdog.StandardInput.Close(); // it kills what is still listed (nothing, by now) and exits
                watchdog.WaitForExit(5_000);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException) { }
            watchdog.Dispose();
        }
    }
}
