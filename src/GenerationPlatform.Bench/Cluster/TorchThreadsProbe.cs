using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.LocalCluster;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>
/// The torch threads a process gets with the thread limit in its environment: the first line of <c>genplat-bench model</c>
/// run as a child (libtorch reads OMP_NUM_THREADS at start; the silo host has no thread setting of its own).
/// </summary>
internal static class TorchThreadsProbe
{
    public const string Name = "torch-threads probe";

    public static async Task<int> RunAsync(ChildProcesses children, int threads, CancellationToken ct)
    {
        using var probe = children.Start(Name, Self(["model", "--seconds", "0.1", "--batches", "1"]), Environment(threads), Path.GetTempPath());
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(120))
        {
            ct.ThrowIfCancellationRequested();
            var first = probe.Output.Split('\n').FirstOrDefault(l => l.Contains("threads ", StringComparison.Ordinal));
            if (first is not null)
            {
                var token = first[(first.IndexOf("threads ", StringComparison.Ordinal) + 8)..].Split(',')[0].Trim();
                return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                    : throw new InvalidOperationException($"cannot read the torch threads from '{first}'");
            }
            if (!probe.IsRunning && wait.Elapsed > TimeSpan.FromSeconds(1))
                throw new InvalidOperationException($"the torch-threads probe (genplat-bench model) exited without reporting its threads. Output:\n{probe.Output}");
            await Task.Delay(50, ct);
        }
        throw new TimeoutException("the torch-threads probe (genplat-bench model) reported no threads within 120 s");
    }

    /// <summary>The thread limit as environment variables (OMP_NUM_THREADS, MKL_NUM_THREADS), for the probe and every silo.</summary>
    public static Dictionary<string, string> Environment(int threads) => new(StringComparer.Ordinal)
    {
        ["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture),
        ["MKL_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>This program again (<c>dotnet genplat-bench.dll ...</c>, or its apphost) with <paramref name="arguments"/>.</summary>
    private static List<string> Self(IEnumerable<string> arguments)
    {
        var self = System.Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path to start the torch-threads probe");
        var command = new List<string> { self };
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
            command.Add(typeof(TorchThreadsProbe).Assembly.Location);
        command.AddRange(arguments);
        return command;
    }
}
