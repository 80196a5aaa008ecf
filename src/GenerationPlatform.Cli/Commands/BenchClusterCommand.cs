using GenerationPlatform.Contracts;

using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.LocalCluster;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Algorithms;
using GenerationPlatform.Silo;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat bench cluster</c>: denoising capacity against the number of denoiser silos. Starts a real cluster of
/// silo executable processes (genplat-silo) on loopback (Azurite for Azure Table clustering and the checkpoint blobs): one API silo
/// that serves no model (the gRPC endpoint the load goes through) and one, then two, denoiser silos (accelerator cpu, the
/// shipped model), every silo limited to the same torch threads and every denoiser to the same batch cap. The same K
/// jobs (bench platform's load: random search, classifier, Heun) go through the API silo's gRPC endpoint all at once;
/// prints NFE/s, job latency p50/p95, per-silo batch fill (each silo's /metrics) and CPU, and the scaling ratio.
/// </summary>
internal static class BenchClusterCommand
{
    private const string Tenant = "bench", Verifier = "classifier", Algorithm = "random";
    private const float Guidance = 1.5f;
    private const int DefaultSamples = 32;
    private const double TargetRatio = 1.8;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);

    /// <summary>The benchmark's configuration, validated.</summary>
    internal sealed record Settings(int Jobs, long Budget, int Steps, int MaxBatch, int Threads, int Repeat, int Warmup, string? Out, TimeSpan Timeout)
    {
        /// <summary>Random search's round size (the API takes no algorithm parameters): each round is denoised, then verified.</summary>
        public static int PerRound { get; } = new RandomSearchOptions().CandidatesPerRound;
        public int SampleNfe => SampleNfeOf(Steps);
        public long Samples => Budget / SampleNfe;
        public int TopK => (int)Math.Min(4, Samples);
        public static int SampleNfeOf(int steps) => new SearchRequest(0, Guidance, 0, 1, Sampler: SamplerKind.Heun, Steps: steps).SampleNfe;
        public static int Label(int job) => job % 10;
        public static ulong Seed(int wave, int job) => 1_000_003UL * (ulong)(wave + 1) + (ulong)job;
    }

    public static Command Create()
    {
        var jobs = new Option<int>("--jobs") { Description = "concurrent jobs K, all submitted at once", DefaultValueFactory = _ => 16 };
        var budget = new Option<long?>("--budget") { Description = $"NFE per job (default: {DefaultSamples} samples, bench platform's load: {DefaultSamples} x (2 x steps - 1)); random search does budget / (one sample's NFE) full samples" };
        var steps = new Option<int>("--steps") { Description = "Heun steps per sample (2 x steps - 1 NFE)", DefaultValueFactory = _ => 4 };
        var maxBatch = new Option<int>("--max-batch") { Description = "batch cap of every denoiser silo (GenerationPlatform__Denoiser__MaxBatch); 0: measured by the first denoiser silo and given to the second", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "torch threads of every silo process (OMP_NUM_THREADS, MKL_NUM_THREADS)", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "timed waves of K jobs per topology", DefaultValueFactory = _ => 2 };
        var warmup = new Option<int>("--warmup") { Description = "untimed waves of one sample per job first, per topology (model load, JIT, batch-cap measurement, every path)", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "also write the figures to this JSON file" };
        var timeout = new Option<double>("--timeout") { Description = "seconds for the whole benchmark (cluster start included); past it everything is stopped", DefaultValueFactory = _ => 1800 };
        var cmd = new Command("cluster", "NFE/s with 1 and 2 denoiser silos (real silo processes on loopback, Azurite clustering) under the same K-job load through the API silo; the scaling ratio")
        {
            jobs, budget, steps, maxBatch, threads, repeat, warmup, output, timeout,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var settings = Validate(p.GetValue(jobs), p.GetValue(budget), p.GetValue(steps), p.GetValue(maxBatch), p.GetValue(threads),
                p.GetValue(repeat), p.GetValue(warmup), p.GetValue(output), p.GetValue(timeout));
            return await RunAsync(settings, ct);
        });
        return cmd;
    }

    /// <summary>Every option checked before anything starts; a bad value is a <see cref="CliArgumentException"/> naming its option.</summary>
    internal static Settings Validate(int jobs, long? budget, int steps, int maxBatch, int threads, int repeat, int warmup, string? output, double timeout)
    {
        int k = Count(jobs, "--jobs", 1, 1024);
        int s = Count(steps, "--steps", 1, 200);
        int sampleNfe = Settings.SampleNfeOf(s);
        long b = budget ?? (long)DefaultSamples * sampleNfe;
        if (b < sampleNfe || b > 100_000)
            throw new CliArgumentException($"--budget must be between one sample's NFE ({sampleNfe} at {s} Heun steps) and 100000 (got {b})");
        int mb = Count(maxBatch, "--max-batch", 0, 4096);
        int t = Count(threads, "--threads", 1, 256);
        int r = Count(repeat, "--repeat", 1, 100);
        int w = Count(warmup, "--warmup", 0, 100);
        if (mb == 0 && w == 0) throw new CliArgumentException("--warmup must be at least 1 when --max-batch is 0 (the first denoiser silo measures the cap in its warm-up)");
        double seconds = CliParsing.InRange(timeout, "--timeout", 10, 7 * 86_400);
        if (output is not null) CliParsing.EnsureWritable(output, "--out");
        return new Settings(k, b, s, mb, t, r, w, output, TimeSpan.FromSeconds(seconds));
    }

    private static int Count(int value, string name, int min, int max) => (int)CliParsing.InRange(value, name, min, max);

    private static async Task<int> RunAsync(Settings settings, CancellationToken ct)
    {
        // Ctrl+C, SIGTERM or SIGHUP: stop the run and clean up here (a second one terminates at once; the watchdog then kills the children).
        using var interrupted = new CancellationTokenSource();
        int signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.Increment(ref signals) > 1) return;
            context.Cancel = true;
            interrupted.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct, interrupted.Token);
        limit.CancelAfter(settings.Timeout);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var azuriteExecutable = BenchCluster.AzuriteExecutable(); // before anything starts: a missing Azurite is a setup error
        using var children = new ChildProcesses(line => Console.Error.WriteLine($"bench cluster: {line}"));
        BenchCluster? cluster = null;
        try
        {
            int reportedThreads = await TorchThreadsAsync(children, settings.Threads, limit.Token);
            Console.WriteLine($"genplat bench cluster: K = {settings.Jobs} concurrent jobs through the API silo's gRPC endpoint, each {Algorithm} search ({Settings.PerRound} candidates per round, each round verified) " +
                $"with budget {settings.Budget} NFE = {settings.Samples} samples x {settings.SampleNfe} NFE (Heun, {settings.Steps} steps, cfg {Guidance}), verifier {Verifier}, top-k {settings.TopK}");
            Console.WriteLine("cluster: Azurite (tables: clustering, grain state, reminders; blobs: checkpoints) + separate silo processes (genplat-silo) on loopback: " +
                "1 API silo (accelerator none: the gRPC API, no denoiser) + 1, then 2 denoiser silos (accelerator cpu, model velocity-unet)");
            Console.WriteLine($"torch threads per silo: {settings.Threads} (OMP_NUM_THREADS = MKL_NUM_THREADS = {settings.Threads}; a genplat child started with them reports {reportedThreads}); {Environment.ProcessorCount} logical cores");
            if (reportedThreads != settings.Threads)
                throw new InvalidOperationException($"a genplat process started with OMP_NUM_THREADS={settings.Threads} runs {reportedThreads} torch threads: the thread limit does not take effect");
            Console.WriteLine($"{settings.Repeat} timed wave(s) of K jobs per topology after {settings.Warmup} warm-up wave(s) of one sample per job");

            cluster = new BenchCluster(children, settings, azuriteExecutable);
            await cluster.StartAsync(limit.Token);
            var one = await cluster.RunTopologyAsync(1, settings, limit.Token);
            // The same cap for the second denoiser: configured, or what the first one measured on this machine.
            int cap = settings.MaxBatch > 0 ? settings.MaxBatch : cluster.MeasuredCap(0);
            string capSource = settings.MaxBatch > 0 ? "--max-batch, given to every denoiser silo" : "measured by denoiser silo 1 at the knee of rows/s against batch size, then given to denoiser silo 2";
            Console.Error.WriteLine($"bench cluster: batch cap {cap} ({capSource})");
            await cluster.AddDenoiserAsync(cap, limit.Token);
            var two = await cluster.RunTopologyAsync(2, settings, limit.Token);
            var report = Summarize(settings, started, reportedThreads, cap, capSource, one, two, children.Started);
            Print(report);
            if (settings.Out is { } path)
            {
                AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
                Console.WriteLine($"figures written to {path}");
            }
            Console.Error.WriteLine($"bench cluster: done in {clock.Elapsed.TotalSeconds:F0} s");
            return 0;
        }
        // Once interrupted, whatever fails next (a cancelled call, a read of a silo's output that was cut) is the interruption.
        catch (Exception e) when (interrupted.IsCancellationRequested && e is not CliArgumentException)
        {
            Console.Error.WriteLine("genplat: bench cluster interrupted; every process it started is stopped");
            return 130;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"genplat: bench cluster did not finish within --timeout {settings.Timeout.TotalSeconds:F0} s; every process it started is stopped");
            if (cluster is not null) Console.Error.WriteLine(cluster.Diagnostics());
            return 1;
        }
        catch (Exception e) when (e is not CliArgumentException && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            Console.Error.WriteLine($"genplat: bench cluster failed: {e.Message}");
            if (cluster is not null) Console.Error.WriteLine(cluster.Diagnostics());
            return 1;
        }
        finally
        {
            // Children first (they hold the Azurite data folder and the results folder open), then the folders.
            cluster?.Dispose();
            children.Dispose();
            cluster?.DeleteFolders();
        }
    }

    /// <summary>
    /// The torch threads a genplat process gets with the limit in its environment: the first line of
    /// <c>genplat bench model</c> (libtorch reads OMP_NUM_THREADS at start; the silo host has no thread setting of its own).
    /// </summary>
    private static async Task<int> TorchThreadsAsync(ChildProcesses children, int threads, CancellationToken ct)
    {
        using var probe = children.Start("torch-threads probe", Genplat(["bench", "model", "--seconds", "0.1", "--batches", "1"]), ThreadEnvironment(threads), Path.GetTempPath());
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
                throw new InvalidOperationException($"the torch-threads probe (genplat bench model) exited without reporting its threads. Output:\n{probe.Output}");
            await Task.Delay(50, ct);
        }
        throw new TimeoutException("the torch-threads probe (genplat bench model) reported no threads within 120 s");
    }

    private static Dictionary<string, string> ThreadEnvironment(int threads) => new(StringComparer.Ordinal)
    {
        ["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture),
        ["MKL_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>This program again (<c>dotnet genplat.dll ...</c>, or its apphost) with <paramref name="arguments"/>.</summary>
    private static List<string> Genplat(IEnumerable<string> arguments)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path to start silo processes");
        var command = new List<string> { self };
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
            command.Add(typeof(BenchClusterCommand).Assembly.Location);
        command.AddRange(arguments);
        return command;
    }

    // ---------------------------------------------------------------- the cluster

    /// <summary>Azurite, the API silo and the denoiser silos, with the tenant's key and the folders they use.</summary>
    private sealed class BenchCluster : IDisposable
    {
        private readonly ChildProcesses children;
        private readonly Settings settings;
        private readonly string folder = Directory.CreateTempSubdirectory("genplat-bench-cluster-").FullName;
        private readonly string clusterId = $"genplat-bench-{Guid.NewGuid():N}"[..32];
        private readonly string key = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        private readonly List<SiloHandle> silos = [];
        private readonly string azuriteExecutable;
        private ChildProcess? azurite;
        private string connectionString = "";

        public BenchCluster(ChildProcesses children, Settings settings, string azuriteExecutable)
        {
            (this.children, this.settings, this.azuriteExecutable) = (children, settings, azuriteExecutable);
            children.DeleteWithChildren(folder);
            Console.Error.WriteLine($"bench cluster: working folder {folder}");
        }

        private SiloHandle Api => silos[0];
        private IEnumerable<SiloHandle> Denoisers => silos.Where(s => s.Denoiser);

        /// <summary>Azurite, then the API silo and the first denoiser silo together; returns once both are ready.</summary>
        public async Task StartAsync(CancellationToken ct)
        {
            await StartAzuriteAsync(ct);
            var api = AddSilo("api", denoiser: false, settings.MaxBatch);
            var first = AddSilo("denoiser 1", denoiser: true, settings.MaxBatch);
            await Task.WhenAll(ReadyAsync(api, ct), ReadyAsync(first, ct));
        }

        /// <summary>The second denoiser silo joins the running cluster with batch cap <paramref name="cap"/>.</summary>
        public Task AddDenoiserAsync(int cap, CancellationToken ct) => ReadyAsync(AddSilo("denoiser 2", denoiser: true, cap), ct);

        private SiloHandle AddSilo(string name, bool denoiser, int maxBatch)
        {
            var silo = Launch(name, denoiser, maxBatch);
            silos.Add(silo);
            return silo;
        }

        /// <summary>Azurite with the table and blob services (clustering, grain state and reminders; job checkpoints), on free loopback ports.</summary>
        private async Task StartAzuriteAsync(CancellationToken ct)
        {
            var executable = azuriteExecutable;
            int blob = PlatformHostOptions.FreePort(IPAddress.Loopback), queue = PlatformHostOptions.FreePort(IPAddress.Loopback), table = PlatformHostOptions.FreePort(IPAddress.Loopback);
            var data = Directory.CreateDirectory(Path.Combine(folder, "azurite")).FullName;
            azurite = children.Start("azurite", [executable, "--blobHost", "127.0.0.1", "--blobPort", Text(blob), "--queueHost", "127.0.0.1", "--queuePort", Text(queue),
                "--tableHost", "127.0.0.1", "--tablePort", Text(table), "--location", data, "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
                new Dictionary<string, string>(), data);
            const string Account = "devstoreaccount1";
            connectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
            var wait = Stopwatch.StartNew();
            foreach (var port in new[] { blob, table })
            {
                while (!await AcceptsAsync(port, ct))
                {
                    if (!azurite.IsRunning) throw new InvalidOperationException($"Azurite ({executable}) exited before listening on port {port}. Output:\n{azurite.Output}");
                    if (wait.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"Azurite did not listen on port {port} within 60 s. Output:\n{azurite.Output}");
                    await Task.Delay(100, ct);
                }
            }
            Console.Error.WriteLine($"bench cluster: azurite (pid {azurite.ProcessId}) ready in {wait.Elapsed.TotalSeconds:F1} s");
        }

        private SiloHandle Launch(string name, bool denoiser, int maxBatch)
        {
            int grpc = PlatformHostOptions.FreePort(IPAddress.Loopback), http = PlatformHostOptions.FreePort(IPAddress.Loopback), siloPort = PlatformHostOptions.FreePort(IPAddress.Loopback);
            var env = ThreadEnvironment(settings.Threads);
            env["GenerationPlatform__Host__Mode"] = "cluster";
            env["GenerationPlatform__Host__ListenAddress"] = "127.0.0.1";
            env["GenerationPlatform__Cluster__ClusterId"] = clusterId;
            env["GenerationPlatform__Cluster__ServiceId"] = clusterId;
            env["GenerationPlatform__Cluster__AdvertisedIp"] = "127.0.0.1";
            env["GenerationPlatform__Cluster__ConnectionString"] = connectionString;
            env["GenerationPlatform__Silo__Accelerator"] = denoiser ? "cpu" : "none";
            env["GenerationPlatform__Silo__Models"] = ModelOptions.ShippedModel;
            // Denoiser silos are dedicated: search jobs and their verifier work stay on the API silo, so the scaling
            // measured is the denoisers' alone.
            env["GenerationPlatform__Silo__HostsJobs"] = denoiser ? "false" : "true";
            env["GenerationPlatform__Denoiser__MaxBatch"] = Text(maxBatch);
            env["GenerationPlatform__Results__Kind"] = "folder";
            env["GenerationPlatform__Results__Path"] = Path.Combine(folder, "results"); // one folder: whichever silo stores a result, the API silo reads it
            env[$"GenerationPlatform__Auth__Tenants__{Tenant}__KeySha256__0"] = GenerationPlatform.Api.ApiKeyAuthenticator.HashOf(key);
            env["GenerationPlatform__Tenants__Default__MaxConcurrentJobs"] = Text(Math.Max(settings.Jobs, 4));
            env["GenerationPlatform__Tenants__Default__NfePerMinute"] = Text(long.MaxValue / 4);
            env["GenerationPlatform__Tenants__Default__NfePerDay"] = Text(long.MaxValue / 4);
            env["GenerationPlatform__Tenants__Default__MaxBudgetPerRequest"] = Text(settings.Budget);
            env["GenerationPlatform__Api__Limits__MaxWatchStreamsPerTenant"] = Text(Math.Max(16, settings.Jobs));
            env["Logging__LogLevel__Default"] = "Warning";
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = ""; // no exporter: the figures come from /metrics
            var work = Directory.CreateDirectory(Path.Combine(folder, name.Replace(' ', '-'))).FullName;
            var process = SiloProcess.Start(children, $"silo {name}", work, env, grpc, http, siloPort, gatewayPort: 0);
            return new SiloHandle(name, denoiser, maxBatch, process);
        }

        /// <summary>Waits for <c>/healthz/ready</c> (joined the cluster, gRPC up); a silo that exits first (a port taken meanwhile) is started again on fresh ports, twice at most.</summary>
        private async Task ReadyAsync(SiloHandle silo, CancellationToken ct)
        {
            for (int attempt = 1; ; attempt++)
            {
                var wait = Stopwatch.StartNew();
                try
                {
                    await silo.Process.WaitReadyAsync(ReadyTimeout, ct);
                    Console.Error.WriteLine($"bench cluster: silo {silo.Name} (pid {silo.Process.ProcessId}, gRPC {silo.GrpcPort}, HTTP {silo.HttpPort}, silo port {silo.SiloPort}) ready in {wait.Elapsed.TotalSeconds:F1} s");
                    return;
                }
                catch (SiloExitedException) when (attempt < 3)
                {
                    Console.Error.WriteLine($"bench cluster: silo {silo.Name} exited before it was ready; starting it again on fresh ports");
                }
                silo.Process.Dispose();
                var again = Launch(silo.Name, silo.Denoiser, silo.MaxBatch);
                lock (silos) silos[silos.IndexOf(silo)] = again; // the API silo and denoiser silo 1 get ready concurrently
                silo = again;
            }
        }

        /// <summary>The batch cap a denoiser silo exports (genplat_denoiser_batch_cap), after its warm-up.</summary>
        public int MeasuredCap(int denoiserIndex) => capAfterWarmup.TryGetValue(Denoisers.ElementAt(denoiserIndex).Name, out var cap) && cap > 0
            ? cap : throw new InvalidOperationException($"denoiser silo {denoiserIndex + 1} exported no batch cap after its warm-up");

        private readonly Dictionary<string, int> capAfterWarmup = new(StringComparer.Ordinal);

        /// <summary>Warm-up waves, then the timed waves, with every silo's /metrics and CPU time before and after each timed wave.</summary>
        public async Task<TopologyRun> RunTopologyAsync(int denoisers, Settings settings, CancellationToken ct)
        {
            using var client = new GenerationPlatformClient(Api.GrpcAddress, key);
            var warm = settings with { Budget = settings.SampleNfe };
            for (int w = 0; w < settings.Warmup; w++) await WaveAsync(client, warm, w, ct);
            // Every denoiser must have run model calls (its model loaded, its cap measured) before the timed waves.
            for (int extra = 0; extra < 3 && settings.Warmup > 0; extra++)
            {
                var idle = new List<string>();
                foreach (var d in Denoisers)
                    if ((await ScrapeAsync(d, ct)).Value(Metric.BatchSizeCount) == 0) idle.Add(d.Name);
                if (idle.Count == 0) break;
                Console.Error.WriteLine($"bench cluster: {string.Join(", ", idle)} ran no model call in the warm-up; one more warm-up wave");
                await WaveAsync(client, warm, settings.Warmup + extra, ct);
            }
            foreach (var d in Denoisers) capAfterWarmup[d.Name] = (int)(await ScrapeAsync(d, ct)).Value(Metric.BatchCap);
            Console.Error.WriteLine($"bench cluster: {denoisers} denoiser silo(s) warm; batch caps {string.Join(", ", Denoisers.Select(d => $"{d.Name}: {capAfterWarmup[d.Name]}"))}");

            var waves = new List<WaveRun>();
            for (int r = 0; r < settings.Repeat; r++)
            {
                var before = await SnapshotAsync(ct);
                var cpuBefore = silos.Select(s => CpuSeconds(s.Process.ProcessId)).ToArray();
                var wave = await WaveAsync(client, settings, settings.Warmup + r, ct);
                var cpu = silos.Select((s, i) => CpuSeconds(s.Process.ProcessId) - cpuBefore[i]).ToArray();
                // A job's end is counted on its silo as its terminal update goes out: give the last ones a moment (outside the timed wall).
                await Task.Delay(500, ct);
                var after = await SnapshotAsync(ct);
                waves.Add(wave with { Silos = silos.Select((_, i) => SiloDelta.Of(before[i], after[i], cpu[i])).ToArray() });
                Console.Error.WriteLine($"bench cluster: {denoisers} denoiser silo(s), wave {r + 1}/{settings.Repeat}: {wave.Nfe} NFE in {wave.Wall.TotalSeconds:F1} s");
            }
            return new TopologyRun(denoisers, waves, silos.Select(s => (s.Name, s.Denoiser ? "denoiser" : "api", s.Process.ProcessId, s.Denoiser ? capAfterWarmup[s.Name] : 0)).ToArray());
        }

        /// <summary>K jobs submitted at once; the wave ends when the last terminal update reaches the client.</summary>
        private static async Task<WaveRun> WaveAsync(GenerationPlatformClient client, Settings load, int wave, CancellationToken ct)
        {
            var wall = Stopwatch.StartNew();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, load.Jobs).Select(j => Task.Run(() => JobAsync(client, load, wave, j, ct), ct)));
            wall.Stop();
            return new WaveRun(outcomes.Sum(o => o.Nfe), wall.Elapsed, outcomes.Select(o => o.Seconds).ToArray(), outcomes.Select(o => o.Top).ToArray(), []);
        }

        private static async Task<(long Nfe, double Seconds, double Top)> JobAsync(GenerationPlatformClient client, Settings load, int wave, int job, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            var end = await client.GenerateToEndAsync(new GenerateRequest
            {
                Model = ModelOptions.ShippedModel,
                Class = Settings.Label(job).ToString(CultureInfo.InvariantCulture),
                Algorithm = Algorithm,
                Verifier = Verifier,
                BudgetNfe = load.Budget,
                TopK = load.TopK,
                Sampler = GenerationPlatform.Api.V1.Sampler.Heun,
                Steps = load.Steps,
                Guidance = Guidance,
                Seed = Settings.Seed(wave, job),
            }, ct);
            var seconds = clock.Elapsed.TotalSeconds;
            if (end.UpdateCase != JobUpdate.UpdateOneofCase.Result)
                throw new InvalidOperationException($"job {job} of wave {wave} ended {end.Ended.State}: {end.Ended.Message}");
            return (end.Result.Nfe.Search + end.Result.Nfe.Final, seconds, end.Result.Images[0].Score);
        }

        private async Task<Dictionary<string, double>[]> SnapshotAsync(CancellationToken ct) => await Task.WhenAll(silos.Select(s => ScrapeAsync(s, ct)));

        /// <summary>
        /// A fresh scrape of the silo's /metrics: the exporter answers from a cache for 300 ms after each collection
        /// (ScrapeResponseCacheDurationMilliseconds), so a scrape waits until the silo's previous one is older than that.
        /// </summary>
        private async Task<Dictionary<string, double>> ScrapeAsync(SiloHandle silo, CancellationToken ct)
        {
            if (lastScrape.TryGetValue(silo.HttpPort, out var last) && last.Elapsed < ScrapeCache) await Task.Delay(ScrapeCache - last.Elapsed, ct);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var text = await http.GetStringAsync(new Uri(silo.HttpAddress, "/metrics"), ct);
            lastScrape[silo.HttpPort] = Stopwatch.StartNew();
            return Metric.Parse(text);
        }

        private static readonly TimeSpan ScrapeCache = TimeSpan.FromMilliseconds(400);
        private readonly ConcurrentDictionary<int, Stopwatch> lastScrape = new();

        /// <summary>Every process's output tail, for a failure message.</summary>
        public string Diagnostics()
        {
            var text = new StringBuilder();
            foreach (var s in silos) text.AppendLine(CultureInfo.InvariantCulture, $"===== silo {s.Name} (pid {s.Process.ProcessId}, running {s.Process.IsRunning}) =====").AppendLine(s.Process.Output);
            if (azurite is not null) text.AppendLine("===== azurite =====").AppendLine(azurite.Output);
            return text.ToString();
        }

        public void Dispose()
        {
            foreach (var s in silos) s.Process.Dispose();
            azurite?.Dispose();
        }

        public void DeleteFolders()
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }

        /// <summary>The azurite executable: <c>$GENPLAT_AZURITE</c>, else the repository's <c>.tools/azurite</c> install above the working directory or this program.</summary>
        public static string AzuriteExecutable()
        {
            const string Variable = "GENPLAT_AZURITE", RepoLocal = ".tools/azurite/node_modules/.bin/azurite";
            if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
                return File.Exists(configured) ? Path.GetFullPath(configured)
                    : throw new CliArgumentException($"{Variable} is '{configured}', which does not exist: point it at the azurite executable, or unset it and run: npm install --prefix .tools/azurite azurite@3.37.0");
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, RepoLocal))) return Path.Combine(dir.FullName, RepoLocal);
            throw new CliArgumentException($"bench cluster needs Azurite: from the repository root run: npm install --prefix .tools/azurite azurite@3.37.0, or set {Variable} to an azurite executable");
        }

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
    }

    private sealed record SiloHandle(string Name, bool Denoiser, int MaxBatch, SiloProcess Process)
    {
        public int GrpcPort => Process.GrpcPort;
        public int HttpPort => Process.HttpPort;
        public int SiloPort => Process.SiloPort;
        public Uri GrpcAddress => Process.GrpcAddress;
        public Uri HttpAddress => Process.HttpAddress;
    }

    /// <summary>Seconds of CPU (user + system) a process has used so far, from /proc/PID/stat (0 where there is no /proc).</summary>
    private static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of proc(5), utime and stime, in clock ticks (USER_HZ, 100 on Linux).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }

    // ---------------------------------------------------------------- figures

    /// <summary>The Prometheus series the benchmark reads from a silo's /metrics (names as the OpenTelemetry exporter writes them).</summary>
    private static class Metric
    {
        public const string Nfe = "genplat_nfe_total", BatchSizeSum = "genplat_denoiser_batch_size_sum", BatchSizeCount = "genplat_denoiser_batch_size_count",
            BatchFillSum = "genplat_denoiser_batch_fill_sum", BatchFillCount = "genplat_denoiser_batch_fill_count", BatchCap = "genplat_denoiser_batch_cap",
            JobsEnded = "genplat_jobs_total", VerifierImages = "genplat_verifier_batch_size_sum";

        /// <summary>Each metric name's value summed over its series (labels), from Prometheus text.</summary>
        public static Dictionary<string, double> Parse(string text)
        {
            var sums = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line[0] == '#') continue;
                int nameEnd = line.IndexOfAny(['{', ' ']);
                if (nameEnd <= 0) continue;
                var name = line[..nameEnd];
                int valueStart = line[nameEnd] == '{' ? line.IndexOf('}', nameEnd) + 1 : nameEnd;
                if (valueStart <= 0) continue;
                var value = line[valueStart..].Trim().Split(' ')[0];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                    sums[name] = sums.GetValueOrDefault(name) + v;
            }
            return sums;
        }
    }

    private static double Value(this Dictionary<string, double> metrics, string name) => metrics.GetValueOrDefault(name);

    /// <summary>What one silo did during one timed wave (differences of its counters and of its CPU time over the wave's wall), and its batch cap.</summary>
    private sealed record SiloDelta(double Nfe, double Calls, double BatchSum, double FillSum, double FillCount, double JobsEnded, double VerifierImages, double CpuSeconds, double Cap)
    {
        public static SiloDelta Of(Dictionary<string, double> before, Dictionary<string, double> after, double cpuSeconds)
        {
            double D(string name) => after.Value(name) - before.Value(name);
            return new SiloDelta(D(Metric.Nfe), D(Metric.BatchSizeCount), D(Metric.BatchSizeSum), D(Metric.BatchFillSum), D(Metric.BatchFillCount),
                D(Metric.JobsEnded), D(Metric.VerifierImages), cpuSeconds, after.Value(Metric.BatchCap));
        }
    }

    private sealed record WaveRun(long Nfe, TimeSpan Wall, double[] LatencySeconds, double[] TopScores, SiloDelta[] Silos);

    private sealed record TopologyRun(int DenoiserSilos, List<WaveRun> Waves, (string Name, string Role, int Pid, int Cap)[] Silos);

    /// <summary>The figures, as printed and as written to --out.</summary>
    internal sealed record Report(string Command, DateTime StartedUtc, int LogicalCores, int Jobs, long BudgetNfe, int Steps, int Samples, int TorchThreads, int TorchThreadsReported,
        int BatchCap, string BatchCapSource, int TimedWaves, int WarmupWaves, TopologyFigures[] Topologies, double ScalingRatio, double TargetRatio, bool TargetMet,
        double TopScoreMaxDifference, ProcessRecord[] Processes);

    internal sealed record TopologyFigures(int DenoiserSilos, long TotalNfe, double WallSeconds, double NfePerSecond, double LatencyP50Seconds, double LatencyP95Seconds,
        long ModelCalls, double? MeanBatch, double? MeanFill, SiloFigures[] Silos);

    internal sealed record SiloFigures(string Silo, string Role, int Pid, int? BatchCap, long NfeDone, long ModelCalls, double? MeanBatch, double? MeanFill, long JobsEnded,
        long VerifierImages, double CpuSeconds, double CoresUsed);

    internal sealed record ProcessRecord(string Name, int Pid);

    private static Report Summarize(Settings settings, DateTime started, int reportedThreads, int cap, string capSource, TopologyRun one, TopologyRun two, IReadOnlyList<(string Name, int Pid)> processes)
    {
        var topologies = new[] { Figures(one), Figures(two) };
        double ratio = topologies[1].NfePerSecond / topologies[0].NfePerSecond;
        double agree = one.Waves.Zip(two.Waves).SelectMany(p => p.First.TopScores.Zip(p.Second.TopScores, (a, b) => Math.Abs(a - b))).DefaultIfEmpty(0).Max();
        return new Report(
            "genplat bench cluster " + string.Join(' ', Environment.GetCommandLineArgs().SkipWhile(a => a != "cluster").Skip(1)),
            started, Environment.ProcessorCount, settings.Jobs, settings.Budget, settings.Steps, (int)settings.Samples, settings.Threads, reportedThreads,
            cap, capSource, settings.Repeat, settings.Warmup, topologies, ratio, TargetRatio, ratio >= TargetRatio, agree,
            processes.Select(p => new ProcessRecord(p.Name, p.Pid)).ToArray());
    }

    private static TopologyFigures Figures(TopologyRun run)
    {
        var waves = run.Waves;
        double wall = waves.Sum(w => w.Wall.TotalSeconds);
        long nfe = waves.Sum(w => w.Nfe);
        var latencies = waves.SelectMany(w => w.LatencySeconds).ToArray();
        var silos = run.Silos.Select((s, i) =>
        {
            var deltas = waves.Select(w => w.Silos[i]).ToArray();
            double calls = deltas.Sum(d => d.Calls), fillCount = deltas.Sum(d => d.FillCount), cpu = deltas.Sum(d => d.CpuSeconds);
            return new SiloFigures(s.Name, s.Role, s.Pid, s.Role == "denoiser" ? (int)deltas[^1].Cap : null, (long)deltas.Sum(d => d.Nfe), (long)calls,
                calls > 0 ? deltas.Sum(d => d.BatchSum) / calls : null, fillCount > 0 ? deltas.Sum(d => d.FillSum) / fillCount : null,
                (long)deltas.Sum(d => d.JobsEnded), (long)deltas.Sum(d => d.VerifierImages), Math.Round(cpu, 2), Math.Round(cpu / wall, 3));
        }).ToArray();
        double allCalls = waves.SelectMany(w => w.Silos).Sum(d => d.Calls), allFills = waves.SelectMany(w => w.Silos).Sum(d => d.FillCount);
        return new TopologyFigures(run.DenoiserSilos, nfe, Math.Round(wall, 3), nfe / wall, Percentile.Of(latencies, 0.5), Percentile.Of(latencies, 0.95), (long)allCalls,
            allCalls > 0 ? waves.SelectMany(w => w.Silos).Sum(d => d.BatchSum) / allCalls : null,
            allFills > 0 ? waves.SelectMany(w => w.Silos).Sum(d => d.FillSum) / allFills : null, silos);
    }

    /// <summary>Nearest-rank percentile; NaN for no values.</summary>
    private static void Print(Report report)
    {
        static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        var baseline = report.Topologies[0].NfePerSecond;
        Console.WriteLine($"batch cap of every denoiser silo: {report.BatchCap} ({report.BatchCapSource})");
        Console.WriteLine();
        Console.WriteLine("| denoiser silos | total NFE | wall s | NFE/s | ratio to 1 silo | latency p50 s | latency p95 s | model calls | mean batch | mean fill |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in report.Topologies)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {t.DenoiserSilos} | {t.TotalNfe} | {t.WallSeconds:F2} | {t.NfePerSecond:F1} | {t.NfePerSecond / baseline:F3} | {t.LatencyP50Seconds:F2} | {t.LatencyP95Seconds:F2} | {t.ModelCalls} | {F(t.MeanBatch, "F1")} | {F(t.MeanFill, "F3")} |"));
        Console.WriteLine();
        Console.WriteLine("per silo, timed waves only (counters from each silo's /metrics, CPU from /proc; jobs ended there: where the search grains ran):");
        Console.WriteLine("| denoiser silos | silo | pid | batch cap | NFE done | model calls | mean batch | mean fill | jobs ended there | verifier images | CPU s | cores used |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in report.Topologies)
            foreach (var s in t.Silos)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {t.DenoiserSilos} | {s.Silo} | {s.Pid} | {(s.BatchCap is { } c ? c.ToString(CultureInfo.InvariantCulture) : "-")} | {s.NfeDone} | {s.ModelCalls} | {F(s.MeanBatch, "F1")} | {F(s.MeanFill, "F3")} | {s.JobsEnded} | {s.VerifierImages} | {s.CpuSeconds:F1} | {s.CoresUsed:F2} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scaling ratio, NFE/s with 2 denoiser silos over 1: {report.ScalingRatio:F3} (target >= {report.TargetRatio:F1} at K = 16: {(report.TargetMet ? "met" : "NOT met")}; this run K = {report.Jobs})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"same work: top-1 classifier score per job, 2 denoiser silos vs 1, max |difference| {report.TopScoreMaxDifference:G3}"));
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
