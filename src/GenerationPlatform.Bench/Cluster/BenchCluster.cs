using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using GenerationPlatform.Client;
using GenerationPlatform.LocalCluster;
using GenerationPlatform.Silo;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>Azurite, the API silo and the denoiser silos, with the tenant's key and the folders they use.</summary>
internal sealed class BenchCluster : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private readonly ChildProcesses children;
    private readonly BenchClusterSettings settings;
    private readonly string folder = Directory.CreateTempSubdirectory("genplat-bench-cluster-").FullName;
    private readonly string clusterId = $"genplat-bench-{Guid.NewGuid():N}"[..32];
    private readonly string key = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    private readonly List<SiloHandle> silos = [];
    private readonly Dictionary<string, int> capAfterWarmup = new(StringComparer.Ordinal);
    private readonly MetricsScraper scraper = new();
    private readonly string azuriteExecutable;
    private readonly string? simulatedModel;
    private AzuriteChild? azurite;

    public BenchCluster(ChildProcesses children, BenchClusterSettings settings, string azuriteExecutable)
    {
        (this.children, this.settings, this.azuriteExecutable) = (children, settings, azuriteExecutable);
        children.DeleteWithChildren(folder);
        Console.Error.WriteLine($"bench cluster: working folder {folder}");
        simulatedModel = settings.Simulated?.WriteModelFolder(folder);
    }

    private SiloHandle Api => silos[0];

    /// <summary>The model the jobs ask for: the simulated one, or the shipped one.</summary>
    private string ModelName => simulatedModel is null ? Contracts.ModelOptions.ShippedModel : SimulatedGpu.ModelName;
    private IEnumerable<SiloHandle> Denoisers => silos.Where(s => s.Denoiser);

    /// <summary>Azurite, then the API silo and the first denoiser silo together; returns once both are ready.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        azurite = await AzuriteChild.StartAsync(children, azuriteExecutable, folder, ct);
        var api = AddSilo("api", denoiser: false, settings.MaxBatch);
        var first = AddSilo("denoiser 1", denoiser: true, settings.MaxBatch);
        await Task.WhenAll(ReadyAsync(api, ct), ReadyAsync(first, ct));
    }

    /// <summary>Denoiser silos join the running cluster, together, with batch cap <paramref name="cap"/>, until there are <paramref name="count"/>.</summary>
    public Task AddDenoisersAsync(int count, int cap, CancellationToken ct)
    {
        var joining = new List<SiloHandle>();
        for (int n = Denoisers.Count() + 1; n <= count; n++) joining.Add(AddSilo($"denoiser {n}", denoiser: true, cap));
        return Task.WhenAll(joining.Select(s => ReadyAsync(s, ct)));
    }

    /// <summary>The batch cap a denoiser silo exports (genplat_denoiser_batch_cap), after its warm-up.</summary>
    public int MeasuredCap(int denoiserIndex) => capAfterWarmup.TryGetValue(Denoisers.ElementAt(denoiserIndex).Name, out var cap) && cap > 0
        ? cap : throw new InvalidOperationException($"denoiser silo {denoiserIndex + 1} exported no batch cap after its warm-up");

    private SiloHandle AddSilo(string name, bool denoiser, int maxBatch)
    {
        var silo = Launch(name, denoiser, maxBatch);
        silos.Add(silo);
        return silo;
    }

    private SiloHandle Launch(string name, bool denoiser, int maxBatch)
    {
        int grpc = PlatformHostOptions.FreePort(IPAddress.Loopback),
            http = PlatformHostOptions.FreePort(IPAddress.Loopback),
            siloPort = PlatformHostOptions.FreePort(IPAddress.Loopback);
        var env = ClusterSiloEnvironment.For(settings, clusterId, azurite!.ConnectionString, key, Path.Combine(folder, "results"), denoiser, maxBatch, simulatedModel);
        var work = Directory.CreateDirectory(Path.Combine(folder, name.Replace(' ', '-'))).FullName;
        return new SiloHandle(name, denoiser, maxBatch, SiloProcess.Start(children, $"silo {name}", work, env, grpc, http, siloPort, gatewayPort: 0));
    }

    /// <summary>
    /// Waits for <c>/healthz/ready</c> (joined the cluster, gRPC up); a silo that exits first (a port taken meanwhile) is
    /// started again on fresh ports, twice at most.
    /// </summary>
    private async Task ReadyAsync(SiloHandle silo, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            var wait = Stopwatch.StartNew();
            try
            {
                await silo.Process.WaitReadyAsync(ReadyTimeout, ct);
                Console.Error.WriteLine($"bench cluster: silo {silo.Name} (pid {silo.Process.ProcessId}, gRPC {silo.GrpcPort}, HTTP {silo.HttpPort}, " +
                    $"silo port {silo.SiloPort}) ready in {wait.Elapsed.TotalSeconds:F1} s");
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

    /// <summary>Warm-up waves, then the timed waves, with every silo's /metrics and CPU time before and after each timed wave.</summary>
    public async Task<TopologyRun> RunTopologyAsync(int denoisers, CancellationToken ct)
    {
        using var client = new GenerationPlatformClient(Api.GrpcAddress, key);
        await WarmUpAsync(client, ct);
        var waves = new List<ClusterWave>();
        for (int r = 0; r < settings.Repeat; r++)
        {
            var before = await scraper.SnapshotAsync(silos, ct);
            var cpuBefore = silos.Select(s => CpuTime.Seconds(s.Process.ProcessId)).ToArray();
            var wave = await WaveAsync(client, settings, ModelName, settings.Warmup + r, ct);
            var cpu = silos.Select((s, i) => CpuTime.Seconds(s.Process.ProcessId) - cpuBefore[i]).ToArray();
            // A job's end is counted on its silo as its terminal update goes out: give the last ones a moment (outside the timed wall).
            await Task.Delay(500, ct);
            var after = await scraper.SnapshotAsync(silos, ct);
            waves.Add(wave with { Silos = silos.Select((_, i) => SiloDelta.Of(before[i], after[i], cpu[i])).ToArray() });
            Console.Error.WriteLine($"bench cluster: {denoisers} denoiser silo(s), wave {r + 1}/{settings.Repeat}: {wave.Nfe} NFE in {wave.Wall.TotalSeconds:F1} s");
        }
        return new TopologyRun(denoisers, waves,
            silos.Select(s => (s.Name, s.Denoiser ? "denoiser" : "api", s.Process.ProcessId, s.Denoiser ? capAfterWarmup[s.Name] : 0)).ToArray());
    }

    /// <summary>Warm-up waves of one sample per job, until every denoiser has run model calls (its model loaded, its cap measured); then their caps.</summary>
    private async Task WarmUpAsync(GenerationPlatformClient client, CancellationToken ct)
    {
        var warm = settings with { Budget = settings.SampleNfe };
        for (int w = 0; w < settings.Warmup; w++) await WaveAsync(client, warm, ModelName, w, ct);
        for (int extra = 0; extra < 3 && settings.Warmup > 0; extra++)
        {
            var idle = new List<string>();
            foreach (var d in Denoisers)
                if ((await scraper.ScrapeAsync(d, ct)).Value(ClusterMetrics.BatchSizeCount) == 0) idle.Add(d.Name);
            if (idle.Count == 0) break;
            Console.Error.WriteLine($"bench cluster: {string.Join(", ", idle)} ran no model call in the warm-up; one more warm-up wave");
            await WaveAsync(client, warm, ModelName, settings.Warmup + extra, ct);
        }
        foreach (var d in Denoisers) capAfterWarmup[d.Name] = (int)(await scraper.ScrapeAsync(d, ct)).Value(ClusterMetrics.BatchCap);
        var caps = string.Join(", ", Denoisers.Select(d => $"{d.Name}: {capAfterWarmup[d.Name]}"));
        Console.Error.WriteLine($"bench cluster: {Denoisers.Count()} denoiser silo(s) warm; batch caps {caps}");
    }

    /// <summary>K jobs submitted at once; the wave ends when the last terminal update reaches the client.</summary>
    private static async Task<ClusterWave> WaveAsync(GenerationPlatformClient client, BenchClusterSettings load, string model, int wave, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, load.Jobs)
            .Select(j => Task.Run(() => BenchJobs.RunAsync(client, wave, j, load.Budget, load.TopK, load.Steps, ct, model), ct)));
        wall.Stop();
        return new ClusterWave(outcomes.Sum(o => o.Nfe), wall.Elapsed, outcomes.Select(o => o.Seconds).ToArray(), outcomes.Select(o => o.Top).ToArray(), []);
    }

    /// <summary>Every process's output tail, for a failure message.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        foreach (var s in silos)
            text.AppendLine(CultureInfo.InvariantCulture, $"===== silo {s.Name} (pid {s.Process.ProcessId}, running {s.Process.IsRunning}) =====")
                .AppendLine(s.Process.Output);
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
}
