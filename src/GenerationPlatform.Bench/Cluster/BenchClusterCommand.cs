using System.Diagnostics;
using GenerationPlatform.LocalCluster;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>
/// <c>genplat-bench cluster</c>: denoising capacity against the number of denoiser silos. Starts a real cluster of silo
/// executable processes (genplat-silo) on loopback (Azurite for Azure Table clustering and the checkpoint blobs): one API
/// silo that serves no model (the gRPC endpoint the load goes through) and one, then two, denoiser silos (accelerator cpu,
/// the shipped model), every silo limited to the same torch threads and every denoiser to the same batch cap. The same K
/// jobs (platform's load: random search, classifier, Heun) go through the API silo's gRPC endpoint all at once; prints
/// NFE/s, job latency p50/p95, per-silo batch fill (each silo's /metrics) and CPU, and the scaling ratio.
/// </summary>
internal static class BenchClusterCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("cluster",
        "NFE/s with 1 and 2 denoiser silos (real silo processes on loopback, Azurite clustering) under the same K-job load through the API silo; the scaling ratio",
        BenchClusterSettings.Options, (p, ct) => RunAsync(BenchClusterSettings.Parse(p), ct));

    /// <summary>The benchmark within --timeout; every process it starts is stopped however it ends (exit 130 when interrupted, 1 when it fails).</summary>
    public static async Task<int> RunAsync(BenchClusterSettings settings, CancellationToken ct)
    {
        using var signals = new InterruptSignals();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct, signals.Token);
        limit.CancelAfter(settings.Timeout);
        var clock = Stopwatch.StartNew();
        var azuriteExecutable = AzuriteChild.Executable(); // before anything starts: a missing Azurite is a setup error
        using var children = new ChildProcesses(line => Console.Error.WriteLine($"bench cluster: {line}"));
        var cluster = new BenchCluster(children, settings, azuriteExecutable);
        try
        {
            var report = await MeasureAsync(settings, children, cluster, limit.Token);
            // A signal that landed where nothing was waiting on the token still interrupts the run: no figures are written.
            limit.Token.ThrowIfCancellationRequested();
            report.Write(Console.Out, settings.Out);
            Console.Error.WriteLine($"bench cluster: done in {clock.Elapsed.TotalSeconds:F0} s");
            return 0;
        }
        // Once interrupted, whatever fails next (a cancelled call, a read of a silo's output that was cut) is the interruption.
        catch (Exception e) when (signals.Interrupted && e is not CliArgumentException)
        {
            Console.Error.WriteLine("genplat-bench: cluster interrupted; every process it started is stopped");
            return 130;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"genplat-bench: cluster did not finish within --timeout {settings.Timeout.TotalSeconds:F0} s; every process it started is stopped");
            Console.Error.WriteLine(cluster.Diagnostics());
            return 1;
        }
        catch (Exception e) when (e is not CliArgumentException && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            Console.Error.WriteLine($"genplat-bench: cluster failed: {e.Message}");
            Console.Error.WriteLine(cluster.Diagnostics());
            return 1;
        }
        finally
        {
            // Children first (they hold the Azurite data folder and the results folder open), then the folders.
            cluster.Dispose();
            children.Dispose();
            cluster.DeleteFolders();
        }
    }

    /// <summary>The thread limit checked on a probe, then each count of denoiser silos under the same load; their figures.</summary>
    private static async Task<BenchClusterReport> MeasureAsync(BenchClusterSettings settings, ChildProcesses children, BenchCluster cluster, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        int reportedThreads = await TorchThreadsProbe.RunAsync(children, settings.Threads, ct);
        WriteHeader(Console.Out, settings, reportedThreads);
        if (reportedThreads != settings.Threads)
            throw new InvalidOperationException($"a genplat-bench process started with OMP_NUM_THREADS={settings.Threads} runs {reportedThreads} torch threads: " +
                "the thread limit does not take effect");
        Console.WriteLine($"{settings.Repeat} timed wave(s) of K jobs per topology after {settings.Warmup} warm-up wave(s) of one sample per job");
        await cluster.StartAsync(ct);
        var runs = new List<TopologyRun> { await cluster.RunTopologyAsync(1, ct) };
        // The same cap for the other denoisers: configured, or what the first one measured on this machine.
        int cap = settings.MaxBatch > 0 ? settings.MaxBatch : cluster.MeasuredCap(0);
        string capSource = settings.MaxBatch > 0
            ? "--max-batch, given to every denoiser silo"
            : "measured by denoiser silo 1 at the knee of rows/s against batch size, then given to the others";
        Console.Error.WriteLine($"bench cluster: batch cap {cap} ({capSource})");
        foreach (int count in settings.DenoiserCounts.Skip(1))
        {
            await cluster.AddDenoisersAsync(count, cap, ct);
            runs.Add(await cluster.RunTopologyAsync(count, ct));
        }
        return BenchClusterReport.Of(settings, started, reportedThreads, cap, capSource, runs, children.Started);
    }

    private static void WriteHeader(TextWriter output, BenchClusterSettings settings, int reportedThreads)
    {
        output.WriteLine($"genplat-bench cluster: K = {settings.Jobs} concurrent jobs through the API silo's gRPC endpoint, " +
            $"each {BenchJobs.Algorithm} search ({BenchJobs.PerRound} candidates per round, each round verified) " +
            $"with budget {settings.Budget} NFE = {settings.Samples} samples x {settings.SampleNfe} NFE (Heun, {settings.Steps} steps, cfg {BenchJobs.Guidance}), " +
            $"verifier {BenchJobs.Verifier}, top-k {settings.TopK}");
        var model = settings.Simulated is { } gpu
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"model {SimulatedGpu.ModelName}: the simulated backend, a call of b rows waits {gpu.T0Ms} ms + b x {gpu.T1Ms} ms ({gpu.Source})")
            : "model velocity-unet on the CPU";
        output.WriteLine("cluster: Azurite (tables: clustering, grain state, reminders; blobs: checkpoints) + separate silo processes (genplat-silo) on loopback: " +
            $"1 API silo (accelerator none: the gRPC API, no denoiser) + {string.Join(", then ", settings.DenoiserCounts)} denoiser silos (accelerator cpu, {model})");
        output.WriteLine($"torch threads per silo: {settings.Threads} (OMP_NUM_THREADS = MKL_NUM_THREADS = {settings.Threads}; " +
            $"a genplat-bench child started with them reports {reportedThreads}); {Environment.ProcessorCount} logical cores");
    }
}
