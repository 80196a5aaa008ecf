
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Grains;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Search.Algorithms;
using GenerationPlatform.Silo;
using GenerationPlatform.Verifiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat bench platform</c>: K concurrent random-search jobs through the gRPC API of an embedded
/// host in this process, against the bare batched sampler loop doing the same trajectories (same
/// seeds, classes, sampler and rounds) with the same verification, without grains or gRPC.
/// </summary>
internal static class BenchPlatformCommand
{
    private const string Tenant = "bench", Verifier = "classifier";
    private const float Guidance = 1.5f;

    /// <summary>One benchmark configuration: the same K jobs for every side.</summary>
    private sealed record Load(int Jobs, int Samples, int Steps, int MaxBatch, int TopK)
    {
        /// <summary>Random search's round size (the API takes no algorithm parameters): each round is denoised, then verified.</summary>
        public static int PerRound { get; } = new RandomSearchOptions().CandidatesPerRound;
        public int SampleNfe => new SearchRequest(0, Guidance, 0, 1, Sampler: SamplerKind.Heun, Steps: Steps).SampleNfe;
        public long Budget => (long)Samples * SampleNfe;
        public int Rounds => (Samples + PerRound - 1) / PerRound;
        public const string Algorithm = "random";
        public static int Label(int job) => job % 10;
        public static ulong Seed(int wave, int job) => 1_000_003UL * (ulong)(wave + 1) + (ulong)job;

        public SearchRequest Request(int wave, int job) =>
            new(Label(job), Guidance, Seed(wave, job), Budget, TopK, SamplerKind.Heun, Steps);
    }

    /// <summary>What one timed wave of K jobs took.</summary>
    private sealed record Wave(long Nfe, TimeSpan Wall, double[] LatencySeconds, double[] TopScores, TimeSpan Sampler, TimeSpan Verifier, long ModelCalls, long TrajectorySteps);

    public static Command Create()
    {
        var jobs = new Option<int>("--jobs") { Description = "concurrent jobs K", DefaultValueFactory = _ => 16 };
        var samples = new Option<int>("--samples") { Description = "full samples per job (the job's budget is samples x one sample's NFE) unless --budget is given; random search verifies them in rounds of 16", DefaultValueFactory = _ => 32 };
        var budget = new Option<long?>("--budget") { Description = "NFE per job; random search does budget / (one sample's NFE) full samples" };
        var steps = new Option<int>("--steps") { Description = "Heun steps per sample (2 x steps - 1 NFE)", DefaultValueFactory = _ => 4 };
        var maxBatch = new Option<int>("--max-batch") { Description = "most trajectory steps per model call, platform and bare loop alike; 0: measured here first, as a denoiser does at activation (the knee of rows/s by batch size)", DefaultValueFactory = _ => 0 };
        var repeat = new Option<int>("--repeat") { Description = "timed waves of K jobs per side", DefaultValueFactory = _ => 2 };
        var arrivalMs = new Option<double?>("--arrival-ms") { Description = "spacing of job arrivals in the spread-arrival waves (default: a quarter of one job's latency when it runs alone)" };
        var warmup = new Option<int>("--warmup") { Description = "untimed waves per side first, one sample per job (model load, JIT, first model call, every platform path)", DefaultValueFactory = _ => 1 };
        var cmd = new Command("platform", "Platform NFE/s (K concurrent jobs over gRPC, embedded host) vs the bare batched sampler loop; then whole-request batching")
        {
            jobs, samples, budget, steps, maxBatch, repeat, warmup, arrivalMs,
        };
        cmd.SetAction(async (p, ct) =>
        {
            int k = Count(p.GetValue(jobs), "--jobs", 1, 1024);
            int s = Count(p.GetValue(steps), "--steps", 1, 200);
            int sampleNfe = new Load(1, 1, s, 1, 1).SampleNfe;
            int n = p.GetValue(budget) is { } b
                ? (int)(b is >= 1 and <= 100_000 && b >= sampleNfe ? b / sampleNfe
                    : throw new CliArgumentException($"--budget must be between one sample's NFE ({sampleNfe}) and 100000 (got {b})"))
                : Count(p.GetValue(samples), "--samples", 1, 10_000);
            int mb = Count(p.GetValue(maxBatch), "--max-batch", 0, 4096);
            if (mb == 0) mb = MeasureCap();
            int round = Math.Min(Load.PerRound, n);
            if (round > mb) throw new CliArgumentException($"--max-batch: whole-request batching needs a round of {round} trajectories to fit in a batch (got {mb})");
            var load = new Load(k, n, s, mb, Math.Min(4, n));
            double? arrival = p.GetValue(arrivalMs) is { } a ? CliParsing.InRange(a, "--arrival-ms", 0, 600_000) : null;
            await RunAsync(load, Count(p.GetValue(repeat), "--repeat", 1, 100), Count(p.GetValue(warmup), "--warmup", 0, 100), arrival, ct);
            return 0;
        });
        return cmd;
    }

    private static int Count(int value, string name, int min, int max) => (int)CliParsing.InRange(value, name, min, max);

    /// <summary>The batch cap a denoiser of the shipped model would measure on this machine: the curve, printed, and its knee.</summary>
    private static int MeasureCap()
    {
        using var net = CliModel.Open(null);
        var curve = BatchCap.Measure(net.Field, BatchCap.DefaultSizes.Where(b => b <= new DenoiserOptions().CalibrationMaxBatch).ToArray(),
            new DenoiserOptions().CalibrationTimePerSize);
        int cap = BatchCap.Knee(curve);
        Console.WriteLine($"measured batch cap: {cap} (rows/s by batch: {string.Join(", ", curve.Select(c => $"{c.Batch}: {c.RowsPerSecond:F0}"))})");
        return cap;
    }

    private static async Task RunAsync(Load load, int repeat, int warmup, double? arrival, CancellationToken ct)
    {
        Console.WriteLine($"genplat bench platform: K = {load.Jobs} concurrent jobs, each {Load.Algorithm} search ({Load.PerRound} candidates per round, each round verified) with budget {load.Budget} NFE = " +
            $"{load.Samples} samples x {load.SampleNfe} NFE (Heun, {load.Steps} steps, cfg {Guidance}), verifier {Verifier}, top-k {load.TopK}; max batch {load.MaxBatch}");
        Console.WriteLine($"{repeat} timed wave(s) of K jobs per side after {warmup} warm-up wave(s); {get_num_threads()} torch threads, {Environment.ProcessorCount} logical cores");
        Console.WriteLine("bare loop: one process, no grains, no gRPC: per round, all jobs' candidates of that round in one TrajectorySampler (same max batch), then the classifier scores them in one call");
        Console.WriteLine("platform:  gRPC Generate per job -> SearchGrain -> DenoiserGrain (continuous batching) + VerifierGrain (classifier) -> result store (PNG + JSON) -> terminal update");
        Console.WriteLine("NFE are counted alike: platform = sum of each job's reported NFE split (search + final); bare loop = sum of TrajectorySpec.Nfe. Both sides verify every sample; wall time includes it on both.");

        using var net = CliModel.Open(null);
        var field = net.Field;
        using var catalog = new VerifierCatalog();
        var classifier = catalog.Get(Verifier);
        // A warm-up wave takes every path the timed waves take (gRPC, grains, model, verifier, result store) with one sample per job.
        var warm = load with { Samples = 1, TopK = 1 };
        var results = Directory.CreateTempSubdirectory("genplat-bench-").FullName;
        try
        {
            List<Wave> bare = [], step = [], whole = [], stepSpread = [], wholeSpread = [];
            TimeSpan spacing = TimeSpan.Zero;
            await using (var host = await BenchHost.StartAsync(load, wholeRequests: false, results, ct))
            {
                for (int w = 0; w < warmup; w++)
                {
                    Bare(warm, field, classifier, w, ct);
                    await host.WaveAsync(warm, w, ct);
                }
                for (int r = 0; r < repeat; r++)
                {
                    // Interleaved, so that drift in a shared machine's load hits both sides alike.
                    bare.Add(Bare(load, field, classifier, warmup + r, ct));
                    step.Add(await host.WaveAsync(load, warmup + r, ct));
                }
                // Spread arrivals, what continuous batching is for: by default one job every quarter of a job's solo
                // latency, so that about four jobs overlap and newcomers keep arriving while others run.
                spacing = arrival is { } ms ? TimeSpan.FromMilliseconds(ms)
                    : TimeSpan.FromSeconds((await host.WaveAsync(load with { Jobs = 1 }, warmup + 2 * repeat, ct)).Wall.TotalSeconds / 4);
                for (int r = 0; r < repeat; r++) stepSpread.Add(await host.WaveAsync(load, warmup + repeat + r, ct, spacing));
            }
            await using (var host = await BenchHost.StartAsync(load, wholeRequests: true, results, ct))
            {
                for (int w = 0; w < warmup; w++) await host.WaveAsync(warm, w, ct);
                for (int r = 0; r < repeat; r++) whole.Add(await host.WaveAsync(load, warmup + r, ct));
                for (int r = 0; r < repeat; r++) wholeSpread.Add(await host.WaveAsync(load, warmup + repeat + r, ct, spacing));
            }
            Report(load, bare, step, whole, stepSpread, wholeSpread, spacing);
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    /// <summary>The bare loop: the same jobs' trajectories, round by round across all jobs, each round verified.</summary>
    private static Wave Bare(Load load, GuidedVelocityField field, IImageVerifier classifier, int wave, CancellationToken ct)
    {
        var sampler = new TrajectorySampler(field, load.MaxBatch);
        var best = Enumerable.Repeat(double.NegativeInfinity, load.Jobs).ToArray();
        long nfe = 0, calls0 = field.Calls, steps = 0;
        var samplerClock = new Stopwatch();
        var verifierClock = new Stopwatch();
        var wall = Stopwatch.StartNew();
        for (int round = 0; round < load.Rounds; round++)
        {
            var owners = new List<int>();
            var trajectories = new List<Trajectory>();
            for (int j = 0; j < load.Jobs; j++)
            {
                var request = load.Request(wave, j);
                for (int i = round * Load.PerRound; i < Math.Min(load.Samples, (round + 1) * Load.PerRound); i++)
                {
                    var spec = request.Full(new NoiseSeed(request.Seed, 0, (uint)i));
                    nfe += spec.Nfe;
                    steps += spec.Nfe;
                    trajectories.Add(sampler.Create(spec));
                    owners.Add(j);
                }
            }
            samplerClock.Start();
            sampler.Run(trajectories, ct);
            samplerClock.Stop();
            verifierClock.Start();
            var scores = classifier.Score(trajectories.Select((t, i) => new VerifierInput(t.State.ToArray(), Load.Label(owners[i]))).ToArray(), ct);
            verifierClock.Stop();
            for (int i = 0; i < scores.Length; i++) best[owners[i]] = Math.Max(best[owners[i]], scores[i]);
        }
        wall.Stop();
        // Every job of a round ends with its round: a job's latency is the whole loop's.
        var latency = Enumerable.Repeat(wall.Elapsed.TotalSeconds, load.Jobs).ToArray();
        return new Wave(nfe, wall.Elapsed, latency, best, samplerClock.Elapsed, verifierClock.Elapsed, field.Calls - calls0, steps);
    }

    /// <summary>An embedded platform host in this process and a tenant's gRPC client to it.</summary>
    private sealed class BenchHost : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly GenerationPlatformClient client;
        private readonly IDenoiserGrain denoiser;

        private BenchHost(WebApplication app, GenerationPlatformClient client, IDenoiserGrain denoiser) =>
            (this.app, this.client, this.denoiser) = (app, client, denoiser);

        public static async Task<BenchHost> StartAsync(Load load, bool wholeRequests, string results, CancellationToken ct)
        {
            var key = Convert.ToHexString(Guid.NewGuid().ToByteArray());
            var overrides = new Dictionary<string, string?>
            {
                ["GenerationPlatform:Tenants:Default:MaxConcurrentJobs"] = load.Jobs.ToString(CultureInfo.InvariantCulture),
                ["GenerationPlatform:Tenants:Default:NfePerMinute"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
                ["GenerationPlatform:Tenants:Default:NfePerDay"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
                ["GenerationPlatform:Tenants:Default:MaxBudgetPerRequest"] = load.Budget.ToString(CultureInfo.InvariantCulture),
                ["GenerationPlatform:Denoiser:MaxBatch"] = load.MaxBatch.ToString(CultureInfo.InvariantCulture),
                ["GenerationPlatform:Denoiser:WholeRequests"] = wholeRequests ? "true" : "false",
                ["GenerationPlatform:Results:Kind"] = "folder",
                ["GenerationPlatform:Results:Path"] = Path.Combine(results, wholeRequests ? "whole" : "step"),
            };
            var app = await EmbeddedPlatform.StartAsync(overrides.WithTenants([(Tenant, key)]), builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error)
                    .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error); // its CPU-starvation notes on a busy machine
                builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout: the figures only
            }, ct);
            var client = new GenerationPlatformClient(new Uri(PlatformHost.Endpoints(app).Grpc), key);
            // The embedded host is one silo: its denoiser for the shipped model.
            var denoiser = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IDenoiserGrain>(
                SiloBoundKey.Of(ModelOptions.ShippedModel, app.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress));
            return new BenchHost(app, client, denoiser);
        }

        /// <summary>K jobs, job j submitted at j x spacing (all at once by default); the wave ends when the last terminal update arrives.</summary>
        public async Task<Wave> WaveAsync(Load load, int wave, CancellationToken ct, TimeSpan spacing = default)
        {
            var before = await denoiser.GetStatsAsync(ct);
            var wall = Stopwatch.StartNew();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, load.Jobs).Select(j => Task.Run(async () =>
            {
                if (spacing > TimeSpan.Zero) await Task.Delay(spacing * j, ct);
                return await JobAsync(load, wave, j, ct);
            }, ct)));
            wall.Stop();
            var after = await denoiser.GetStatsAsync(ct);
            return new Wave(outcomes.Sum(o => o.Nfe), wall.Elapsed, outcomes.Select(o => o.Seconds).ToArray(), outcomes.Select(o => o.Top).ToArray(),
                after.ComputeTime - before.ComputeTime, TimeSpan.Zero, after.ModelCalls - before.ModelCalls, after.TrajectorySteps - before.TrajectorySteps);
        }

        private async Task<(long Nfe, double Seconds, double Top)> JobAsync(Load load, int wave, int job, CancellationToken ct)
        {
            var request = load.Request(wave, job);
            var clock = Stopwatch.StartNew();
            var end = await client.GenerateToEndAsync(new GenerateRequest
            {
                Model = ModelOptions.ShippedModel,
                Class = Load.Label(job).ToString(CultureInfo.InvariantCulture),
                Algorithm = Load.Algorithm,
                Verifier = Verifier,
                BudgetNfe = request.BudgetNfe,
                TopK = request.TopK,
                Sampler = GenerationPlatform.Api.V1.Sampler.Heun,
                Steps = request.Steps,
                Guidance = request.Guidance,
                Seed = request.Seed,
            }, ct);
            var seconds = clock.Elapsed.TotalSeconds;
            if (end.UpdateCase != JobUpdate.UpdateOneofCase.Result)
                throw new InvalidOperationException($"bench job {job} of wave {wave} ended {end.Ended.State}: {end.Ended.Message}");
            return (end.Result.Nfe.Search + end.Result.Nfe.Final, seconds, end.Result.Images[0].Score);
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static void Report(Load load, List<Wave> bare, List<Wave> step, List<Wave> whole, List<Wave> stepSpread, List<Wave> wholeSpread, TimeSpan spacing)
    {
        static double Rate(List<Wave> waves) => waves.Sum(w => w.Nfe) / waves.Sum(w => w.Wall.TotalSeconds);
        static double Pct(List<Wave> waves, double q) => Percentile.Of(waves.SelectMany(w => w.LatencySeconds), q);
        static double Batch(List<Wave> waves) => waves.Sum(w => w.TrajectorySteps) / (double)Math.Max(1, waves.Sum(w => w.ModelCalls));
        static double Busy(List<Wave> waves) => waves.Sum(w => w.Sampler.TotalSeconds) / waves.Sum(w => w.Wall.TotalSeconds);
        static double MsPerCall(List<Wave> waves) => 1000 * waves.Sum(w => w.Sampler.TotalSeconds) / Math.Max(1, waves.Sum(w => w.ModelCalls));

        double bareRate = Rate(bare), stepRate = Rate(step), wholeRate = Rate(whole);
        string Row(string name, List<Wave> w) =>
            $"| {name} | {w.Sum(x => x.Nfe)} | {w.Sum(x => x.Wall.TotalSeconds):F2} | {Rate(w):F1} | {Rate(w) / bareRate:F3} | {Pct(w, 0.5):F2} | {Pct(w, 0.95):F2} " +
            $"| {w.Sum(x => x.ModelCalls)} | {Batch(w):F1} | {Batch(w) / load.MaxBatch:F3} | {MsPerCall(w):F1} | {Busy(w):P0} |";
        Console.WriteLine();
        Console.WriteLine("| side | total NFE | wall s | NFE/s | ratio to bare | latency p50 s | latency p95 s | model calls | mean batch | mean fill | ms per call | model busy |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(Row("bare loop", bare));
        Console.WriteLine(Row("platform, step-level batching", step));
        Console.WriteLine(Row("platform, whole-request batching", whole));
        Console.WriteLine(Row("platform, step-level, spread arrivals", stepSpread));
        Console.WriteLine(Row("platform, whole-request, spread arrivals", wholeSpread));
        Console.WriteLine();
        double bareSampler = bare.Sum(w => w.Sampler.TotalSeconds), bareVerifier = bare.Sum(w => w.Verifier.TotalSeconds);
        Console.WriteLine($"bare loop: sampler {bareSampler:F2} s, verifier {bareVerifier:F2} s; sampler-only NFE/s {bare.Sum(w => w.Nfe) / bareSampler:F1} " +
            $"(platform step-level against it: {stepRate / (bare.Sum(w => w.Nfe) / bareSampler):F3})");
        double platformWall = step.Sum(w => w.Wall.TotalSeconds), platformModel = step.Sum(w => w.Sampler.TotalSeconds);
        Console.WriteLine($"platform step-level: denoiser model time {platformModel:F2} s of {platformWall:F2} s wall; outside model calls {platformWall - platformModel:F2} s " +
            $"(the bare loop spends {bare.Sum(w => w.Wall.TotalSeconds) - bareSampler:F2} s outside its sampler, verification included)");
        double agree = bare.Zip(step).SelectMany(p => p.First.TopScores.Zip(p.Second.TopScores, (a, b) => Math.Abs(a - b))).Max();
        Console.WriteLine($"same work: top-1 classifier score per job, platform vs bare loop, max |difference| {agree:G3}");
        Console.WriteLine($"ratio platform/bare NFE/s: {stepRate / bareRate:F3} (target >= 0.9 at K = 16); by interleaved wave pair: " +
            string.Join(", ", bare.Zip(step, (b, p) => (p.Nfe / p.Wall.TotalSeconds / (b.Nfe / b.Wall.TotalSeconds)).ToString("F3", CultureInfo.InvariantCulture))));
        void Versus(string what, List<Wave> a, List<Wave> b) =>
            Console.WriteLine($"step-level vs whole-request batching, {what}: NFE/s {Rate(a):F1} vs {Rate(b):F1} (x{Rate(a) / Rate(b):F2}), " +
                $"latency p50 {Pct(a, 0.5):F2} s vs {Pct(b, 0.5):F2} s, p95 {Pct(a, 0.95):F2} s vs {Pct(b, 0.95):F2} s, " +
                $"mean fill {Batch(a) / load.MaxBatch:F3} vs {Batch(b) / load.MaxBatch:F3}");
        Versus("all K jobs at once", step, whole);
        Versus($"job j arriving at j x {spacing.TotalMilliseconds:F0} ms", stepSpread, wholeSpread);
    }
}
