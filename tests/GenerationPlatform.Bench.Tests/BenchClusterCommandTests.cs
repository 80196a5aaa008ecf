using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using GenerationPlatform.Api;
using GenerationPlatform.Client;
using GenerationPlatform.LocalCluster;

namespace GenerationPlatform.Bench.Tests;

/// <summary>
/// <c>genplat-bench cluster</c>: options, one tiny run of the real multi-process cluster (Azurite + three silo processes;
/// about 15 s on the project's 2-core machine), and that no process it starts outlives it (Ctrl+C and SIGKILL).
/// </summary>
public sealed partial class BenchClusterCommandTests
{
    [Fact]
    public async Task ItsSiloProcessesAreReadyWhenTheHostServesTenantsAndAFailedStartIsReportedWhenItExits()
    {
        using var children = new ChildProcesses();
        var folder = Directory.CreateTempSubdirectory("genplat-silo-ready-").FullName;
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["GenerationPlatform__Host__ListenAddress"] = "127.0.0.1",
                ["GenerationPlatform__Results__Path"] = Path.Combine(folder, "results"),
                ["GenerationPlatform__Auth__Tenants__alpha__KeySha256__0"] = ApiKeyAuthenticator.HashOf("KEY1"),
                ["Logging__LogLevel__Default"] = "Warning",
                // A configured cap: readiness waits for the models' warm-up, which on a machine's first start would measure every cap.
                ["GenerationPlatform__Denoiser__MaxBatch"] = "16",
            };
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            using (var silo = SiloProcess.Start(children, "silo", folder, environment, FreePort(), FreePort(), FreePort(), FreePort()))
            {
                await silo.WaitReadyAsync(TimeSpan.FromSeconds(120), timeout.Token);
                // Ready, as the wait reports it, is serving: the silo executable's gRPC API answers a tenant at once.
                using var client = new GenerationPlatformClient(silo.GrpcAddress, "KEY1");
                var models = await client.ListModelsAsync(timeout.Token);
                Assert.Contains(models.Models, m => m.Name == "velocity-unet");
                Assert.Contains("genplat-silo: embedded silo running", silo.Output);
            }

            // A silo that cannot start ends the wait when it exits, with its one-line error, long before the timeout.
            environment["GenerationPlatform__Host__Mode"] = "bogus";
            using var broken = SiloProcess.Start(children, "broken", folder, environment, FreePort(), FreePort(), FreePort(), FreePort());
            var clock = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<SiloExitedException>(() => broken.WaitReadyAsync(TimeSpan.FromSeconds(120), timeout.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"reported after {clock.Elapsed}");
            Assert.Contains("genplat-silo: GenerationPlatform:Host:Mode must be 'embedded' or 'cluster' (got 'bogus')", e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Theory]
    [InlineData("--jobs", "0")]
    [InlineData("--jobs", "1025")]
    [InlineData("--steps", "0")]
    [InlineData("--budget", "6")] // below one sample's NFE at the default 4 Heun steps (7)
    [InlineData("--budget", "100001")]
    [InlineData("--max-batch", "-1")]
    [InlineData("--threads", "0")]
    [InlineData("--repeat", "0")]
    [InlineData("--warmup", "-1")]
    [InlineData("--timeout", "0")]
    [InlineData("--denoisers", "2,4")] // the baseline is one silo
    [InlineData("--denoisers", "1,4,2")]
    [InlineData("--denoisers", "1,17")]
    [InlineData("--denoisers", "1,x")]
    [InlineData("--t0-ms", "10")] // only with --simulated
    [InlineData("--t1-ms", "1")]
    public void ABadValueIsAnErrorNamingItsOptionBeforeAnythingStarts(string option, string value)
    {
        var r = BenchProcess.Run("cluster", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"genplat-bench: {option} ", r.StdErr);
        Assert.Equal("", r.StdOut);
        Assert.DoesNotContain("bench cluster: started", r.StdErr);
    }

    [Fact]
    public void AMeasuredCapNeedsAWarmUpAndTheOutFileMustBeWritable()
    {
        var noWarmup = BenchProcess.Run("cluster", "--max-batch", "0", "--warmup", "0");
        Assert.Equal(2, noWarmup.ExitCode);
        Assert.StartsWith("genplat-bench: --warmup ", noWarmup.StdErr);

        var folder = Directory.CreateTempSubdirectory("genplat-bench-cluster-test-").FullName;
        try
        {
            var intoFolder = BenchProcess.Run("cluster", "--out", folder);
            Assert.Equal(2, intoFolder.ExitCode);
            Assert.StartsWith("genplat-bench: --out: ", intoFolder.StdErr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ATinyRunPrintsBothTopologiesPerSiloFiguresAndTheRatioAndLeavesNoProcess()
    {
        var json = Path.Combine(Path.GetTempPath(), $"genplat-bench-cluster-{Guid.NewGuid():N}.json");
        try
        {
            var r = BenchProcess.Run("cluster", "--jobs", "2", "--steps", "2", "--budget", "6", "--repeat", "1", "--warmup", "1",
                "--max-batch", "8", "--threads", "1", "--out", json);
            Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdOut}\n{r.StdErr}");
            var lines = r.StdOut.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

            // | denoiser silos | total NFE | wall s | NFE/s | ratio to 1 silo | latency p50 s | latency p95 s | model calls | mean batch | mean fill |
            var rows = lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Split('|').Length == 12 && !l.StartsWith("| denoiser", StringComparison.Ordinal))
                .Select(Cells).ToArray();
            Assert.Equal(["1", "2"], rows.Select(c => c[0]));
            foreach (var c in rows)
            {
                Assert.All(c, cell => Assert.NotEqual("", cell));
                Assert.Equal(2 * 6, long.Parse(c[1], CultureInfo.InvariantCulture)); // K jobs x budget, as the jobs report it
                Assert.True(double.Parse(c[3], CultureInfo.InvariantCulture) > 0);
                Assert.True(long.Parse(c[7], CultureInfo.InvariantCulture) > 0); // model calls seen in the denoiser silos' /metrics
            }
            Assert.Equal("1.000", rows[0][4]);

            // | denoiser silos | silo | pid | batch cap | NFE done | model calls | mean batch | mean fill | jobs ended there | verifier images | CPU s | cores used |
            var silos = lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Split('|').Length == 14 && !l.StartsWith("| denoiser", StringComparison.Ordinal))
                .Select(Cells).ToArray();
            Assert.Equal(["1 api", "1 denoiser 1", "2 api", "2 denoiser 1", "2 denoiser 2"], silos.Select(c => $"{c[0]} {c[1]}"));
            foreach (var topology in new[] { "1", "2" })
            {
                var these = silos.Where(c => c[0] == topology).ToArray();
                // What the denoiser silos counted is what the jobs were charged: the per-silo figures are this wave's, from fresh scrapes.
                Assert.Equal(12, these.Sum(c => long.Parse(c[4], CultureInfo.InvariantCulture)));
                Assert.All(these.Where(c => c[1] != "api"), c => Assert.Equal("8", c[3]));
                Assert.Equal("0", these.Single(c => c[1] == "api")[4]); // the API silo serves no model
                Assert.Equal(2, these.Sum(c => long.Parse(c[8], CultureInfo.InvariantCulture))); // both jobs ended somewhere in the cluster
            }

            var ratio = ScalingRatio().Match(r.StdOut);
            Assert.True(ratio.Success, r.StdOut);
            double printed = double.Parse(ratio.Groups[1].Value, CultureInfo.InvariantCulture);
            double fromTable = double.Parse(rows[1][3], CultureInfo.InvariantCulture) / double.Parse(rows[0][3], CultureInfo.InvariantCulture);
            Assert.InRange(printed, fromTable * 0.95, fromTable * 1.05); // the table's NFE/s are rounded to 0.1
            Assert.Contains("max |difference| 0", r.StdOut); // the same jobs, the same images, whichever silo denoised them

            using var figures = JsonDocument.Parse(File.ReadAllText(json));
            var root = figures.RootElement;
            Assert.Equal(2, root.GetProperty("topologies").GetArrayLength());
            Assert.Equal(printed, Math.Round(root.GetProperty("scalingRatio").GetDouble(), 3));
            Assert.Equal(1, root.GetProperty("torchThreadsReported").GetInt32());
            Assert.Equal(8, root.GetProperty("batchCap").GetInt32());
            var processes = root.GetProperty("processes").EnumerateArray().Select(p => (Name: p.GetProperty("name").GetString()!, Pid: p.GetProperty("pid").GetInt32())).ToArray();
            // A silo whose port was taken meanwhile is started again.
            Assert.Equal(["torch-threads probe", "azurite", "silo api", "silo denoiser 1", "silo denoiser 2"], processes.Select(p => p.Name).Distinct());
            Assert.DoesNotContain(processes, p => IsAlive(p.Pid));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    [Trait("Tier", "slow")]
    public void ASimulatedRunMeasuresEveryTopologyOnTheSimulatedBackendAndTheApiSilosCost()
    {
        var json = Path.Combine(Path.GetTempPath(), $"genplat-bench-cluster-sim-{Guid.NewGuid():N}.json");
        try
        {
            var r = BenchProcess.Run("cluster", "--simulated", "--t0-ms", "5", "--t1-ms", "1", "--denoisers", "1,2,3", "--jobs", "4", "--steps", "2", "--budget", "12",
                "--repeat", "1", "--warmup", "1", "--max-batch", "8", "--out", json);
            Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdOut}\n{r.StdErr}");
            Assert.Contains("model simulated-gpu: the simulated backend, a call of b rows waits 5 ms + b x 1 ms", r.StdOut);
            Assert.Contains("scaling ratio, NFE/s with 2 denoiser silos over 1: ", r.StdOut);
            Assert.Contains("(target >= 1.9: ", r.StdOut);
            Assert.Contains("scaling ratio, NFE/s with 3 denoiser silos over 1: ", r.StdOut);
            Assert.Contains("API silo, all timed waves: 12 jobs ended there, 144 NFE", r.StdOut);
            Assert.Contains("max |difference| 0", r.StdOut);

            using var figures = JsonDocument.Parse(File.ReadAllText(json));
            var root = figures.RootElement;
            Assert.Equal([1, 2, 3], root.GetProperty("topologies").EnumerateArray().Select(t => t.GetProperty("denoiserSilos").GetInt32()));
            Assert.Equal([2, 3], root.GetProperty("ratios").EnumerateArray().Select(t => t.GetProperty("denoiserSilos").GetInt32()));
            Assert.StartsWith("simulated-gpu", root.GetProperty("model").GetString(), StringComparison.Ordinal);
            var api = root.GetProperty("apiSilo");
            Assert.True(api.GetProperty("messages").GetInt64() > 0); // the denoise calls went to other silos
            Assert.True(api.GetProperty("messageBytes").GetInt64() > 0);
            Assert.True(api.GetProperty("cpuMsPerNfe").GetDouble() > 0);
            // The last topology's three denoiser silos did the wave's work between them.
            var last = root.GetProperty("topologies")[2].GetProperty("silos").EnumerateArray().Where(s => s.GetProperty("role").GetString() == "denoiser").ToArray();
            Assert.Equal(3, last.Length);
            Assert.Equal(4 * 12, last.Sum(s => s.GetProperty("nfeDone").GetInt64()));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Theory]
    [InlineData(SigInt)]
    [InlineData(SigKill)]
    public void NoProcessItStartedOutlivesIt(int signal)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "genplat-bench.dll"), "cluster", "--jobs", "2", "--steps", "2", "--budget", "6", "--max-batch", "8" })
            start.ArgumentList.Add(a);
        using var bench = Process.Start(start)!;
        var stderr = new List<string>();
        var ready = new ManualResetEventSlim();
        bench.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.Add(e.Data);
            if (e.Data.StartsWith("bench cluster: silo denoiser 1 (pid", StringComparison.Ordinal)) ready.Set();
        };
        bench.BeginErrorReadLine();
        _ = bench.StandardOutput.ReadToEndAsync();
        try
        {
            Assert.True(ready.Wait(TimeSpan.FromMinutes(2)), "the first denoiser silo was not ready within 2 minutes:\n" + Text(stderr));
            Assert.Equal(0, SendSignal(bench.Id, signal));
            Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(60)), "the benchmark did not stop within 60 s of the signal");
            bench.WaitForExit(); // the rest of its stderr
            if (signal == SigInt)
            {
                Assert.Equal(130, bench.ExitCode);
                Assert.Contains("genplat-bench: cluster interrupted; every process it started is stopped", Text(stderr));
            }
            var pids = Text(stderr).Split('\n').Select(l => StartedPid().Match(l)).Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(pids.Length >= 5, Text(stderr)); // watchdog, probe, azurite, two silos
            // After SIGKILL only the watchdog can clean up: it sees its stdin close and kills the process groups.
            var clock = Stopwatch.StartNew();
            while (pids.Any(IsAlive) && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(100);
            Assert.True(!pids.Any(IsAlive), $"still running after the benchmark ended: {string.Join(", ", pids.Where(IsAlive))}\n{Text(stderr)}");
            // Its folder (Azurite's data, the results) goes with it.
            var folder = WorkingFolder().Match(Text(stderr));
            Assert.True(folder.Success, Text(stderr));
            while (Directory.Exists(folder.Groups[1].Value) && clock.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(100);
            Assert.False(Directory.Exists(folder.Groups[1].Value), $"{folder.Groups[1].Value} is still there");
        }
        finally
        {
            if (!bench.HasExited) bench.Kill(entireProcessTree: true);
        }
    }

    private const int SigInt = 2, SigKill = 9;

    private static string[] Cells(string row) => row.Split('|')[1..^1].Select(c => c.Trim()).ToArray();

    private static string Text(List<string> lines)
    {
        lock (lines) return string.Join('\n', lines);
    }

    /// <summary>Whether a process still runs (a zombie waiting to be reaped does not).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"scaling ratio, NFE/s with 2 denoiser silos over 1: (\d+\.\d{3}) \(target >= 1\.8: (met|NOT met)")]
    private static partial Regex ScalingRatio();

    [GeneratedRegex(@"^bench cluster: working folder (.+)$", RegexOptions.Multiline)]
    private static partial Regex WorkingFolder();

    [GeneratedRegex(@"^bench cluster: started .+ \(pid (\d+)\)$")]
    private static partial Regex StartedPid();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
