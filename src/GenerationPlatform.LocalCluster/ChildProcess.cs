using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GenerationPlatform.LocalCluster;

/// <summary>One started process: its output tail kept for failure messages; killed with its process group on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 400;
    private readonly Queue<string> output = new();
    private readonly Process process;
    private readonly bool ownGroup;
    private readonly ChildProcesses owner;
    private int disposed;

    internal ChildProcess(string name, ProcessStartInfo start, bool ownGroup, ChildProcesses owner)
    {
        Name = name;
        this.ownGroup = ownGroup;
        this.owner = owner;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public int ProcessId { get; }

    public bool IsRunning
    {
        get
        {
            try { return !process.HasExited; }
            catch (InvalidOperationException) { return false; }
        }
    }

    /// <summary>The last lines the process printed (stdout and stderr as read).</summary>
    public string Output
    {
        get { lock (output) return string.Join('\n', output); }
    }

    /// <summary>Adds a line of the harness's own to the output (what it did to the process), between the process's lines.</summary>
    public void Append(string line) => Keep(line);

    /// <summary>Keeps a line, stamped with the time it was read (UTC), dropping the oldest beyond the tail kept.</summary>
    private void Keep(string? line)
    {
        if (line is null) return;
        line = $"{DateTime.UtcNow:HH:mm:ss.fff} {line}";
        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > KeptLines) output.Dequeue();
        }
    }

    /// <summary>SIGTERM (a graceful stop), then waits up to <paramref name="patience"/>; whether it exited.</summary>
    public bool Terminate(TimeSpan patience)
    {
        try
        {
            if (process.HasExited) return true;
            if (SendSignal(ProcessId, SigTerm) != 0) return process.HasExited;
            return process.WaitForExit(patience);
        }
        catch (InvalidOperationException) { return true; } // disposed: killed already
    }

    /// <summary>SIGKILL to its process group and tree (the cluster is thrown away with its storage: no graceful stop), then waits until it is gone.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        try
        {
            if (ownGroup) _ = SendSignal(-ProcessId, SigKill);
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { } // already exited and reaped
        finally
        {
            owner.Forget(ProcessId);
            process.Dispose();
        }
    }

    private const int SigKill = 9, SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
