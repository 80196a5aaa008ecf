using GenerationPlatform.Grains;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Serving;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers;
using static TorchSharp.torch;

namespace GenerationPlatform.Bench.Platform;

/// <summary>
/// <c>genplat-bench platform</c>: K concurrent random-search jobs through the gRPC API of an embedded host in this process,
/// against the bare batched sampler loop doing the same trajectories (same seeds, classes, sampler and rounds) with the
/// same verification, without grains or gRPC; then the same load with whole-request batching, and with spread arrivals.
/// </summary>
internal static class BenchPlatformCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("platform",
        "Platform NFE/s (K concurrent jobs over gRPC, embedded host) vs the bare batched sampler loop; then whole-request batching", BenchPlatformSettings.Options,
        async (p, ct) =>
        {
            (await RunAsync(BenchPlatformSettings.Parse(p), Console.Out, ct)).Write(Console.Out);
            return 0;
        });

    public static async Task<BenchPlatformReport> RunAsync(BenchPlatformSettings settings, TextWriter output, CancellationToken ct)
    {
        int cap = settings.MaxBatch > 0 ? settings.MaxBatch : MeasureCap(output);
        int round = Math.Min(BenchJobs.PerRound, settings.Samples);
        if (round > cap) throw new CliArgumentException($"--max-batch: whole-request batching needs a round of {round} trajectories to fit in a batch (got {cap})");
        var load = new PlatformLoad(settings.Jobs, settings.Samples, settings.Steps, cap, Math.Min(4, settings.Samples));
        WriteHeader(output, load, settings);
        using var net = CliModel.Open(null);
        using var catalog = new VerifierCatalog();
        var results = Directory.CreateTempSubdirectory("genplat-bench-").FullName;
        try
        {
            var report = new BenchPlatformReport(load);
            await StepLevelAsync(report, settings, net.Field, catalog.Get(BenchJobs.Verifier), results, ct);
            await WholeRequestAsync(report, settings, results, ct);
            return report;
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    /// <summary>The bare loop and the platform with step-level batching, wave by wave interleaved; then the platform with spread arrivals.</summary>
    private static async Task StepLevelAsync(BenchPlatformReport report, BenchPlatformSettings settings, GuidedVelocityField field, IImageVerifier classifier, string results,
        CancellationToken ct)
    {
        var load = report.Load;
        // A warm-up wave takes every path the timed waves take (gRPC, grains, model, verifier, result store) with one sample per job.
        var warm = load with { Samples = 1, TopK = 1 };
        await using var host = await BenchHost.StartAsync(load, wholeRequests: false, results, ct);
        for (int w = 0; w < settings.Warmup; w++)
        {
            BareLoop.Run(warm, field, classifier, w, ct);
            await host.WaveAsync(warm, w, ct);
        }
        for (int r = 0; r < settings.Repeat; r++)
        {
            // Interleaved, so that drift in a shared machine's load hits both sides alike.
            report.Bare.Add(BareLoop.Run(load, field, classifier, settings.Warmup + r, ct));
            report.Step.Add(await host.WaveAsync(load, settings.Warmup + r, ct));
        }
        // Spread arrivals, what continuous batching is for: by default one job every quarter of a job's solo latency, so
        // that about four jobs overlap and newcomers keep arriving while others run.
        report.Spacing = settings.ArrivalMs is { } ms ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromSeconds((await host.WaveAsync(load with { Jobs = 1 }, settings.Warmup + 2 * settings.Repeat, ct)).Wall.TotalSeconds / 4);
        for (int r = 0; r < settings.Repeat; r++) report.StepSpread.Add(await host.WaveAsync(load, settings.Warmup + settings.Repeat + r, ct, report.Spacing));
    }

    /// <summary>The same waves with whole-request batching (the request-level baseline), all at once and spread.</summary>
    private static async Task WholeRequestAsync(BenchPlatformReport report, BenchPlatformSettings settings, string results, CancellationToken ct)
    {
        var load = report.Load;
        await using var host = await BenchHost.StartAsync(load, wholeRequests: true, results, ct);
        for (int w = 0; w < settings.Warmup; w++) await host.WaveAsync(load with { Samples = 1, TopK = 1 }, w, ct);
        for (int r = 0; r < settings.Repeat; r++) report.Whole.Add(await host.WaveAsync(load, settings.Warmup + r, ct));
        for (int r = 0; r < settings.Repeat; r++) report.WholeSpread.Add(await host.WaveAsync(load, settings.Warmup + settings.Repeat + r, ct, report.Spacing));
    }

    /// <summary>The batch cap a denoiser of the shipped model would measure on this machine: the curve, printed, and its cap.</summary>
    private static int MeasureCap(TextWriter output)
    {
        using var net = CliModel.Open(null);
        var defaults = new DenoiserOptions();
        var choice = BatchCap.Measure(net.Field, [.. BatchCap.DefaultSizes.Where(b => b <= defaults.CalibrationMaxBatch)], defaults.CalibrationTimePerSize,
            defaults.CalibrationRepeats);
        output.WriteLine($"measured batch cap: {choice.Cap} (rows/s by batch, median of {defaults.CalibrationRepeats} (monotone fit): {choice.Curve})");
        return choice.Cap;
    }

    private static void WriteHeader(TextWriter output, PlatformLoad load, BenchPlatformSettings settings)
    {
        output.WriteLine($"genplat-bench platform: K = {load.Jobs} concurrent jobs, " +
            $"each {BenchJobs.Algorithm} search ({BenchJobs.PerRound} candidates per round, each round verified) with budget {load.Budget} NFE = " +
            $"{load.Samples} samples x {load.SampleNfe} NFE (Heun, {load.Steps} steps, cfg {BenchJobs.Guidance}), verifier {BenchJobs.Verifier}, " +
            $"top-k {load.TopK}; max batch {load.MaxBatch}");
        output.WriteLine($"{settings.Repeat} timed wave(s) of K jobs per side after {settings.Warmup} warm-up wave(s); " +
            $"{get_num_threads()} torch threads, {Environment.ProcessorCount} logical cores");
        output.WriteLine("bare loop: one process, no grains, no gRPC: per round, all jobs' candidates of that round in one TrajectorySampler (same max batch), " +
            "then the classifier scores them in one call");
        output.WriteLine("platform:  gRPC Generate per job -> SearchGrain -> DenoiserGrain (continuous batching) + VerifierGrain (classifier) -> " +
            "result store (PNG + JSON) -> terminal update");
        output.WriteLine("NFE are counted alike: platform = sum of each job's reported NFE split (search + final); bare loop = sum of TrajectorySpec.Nfe. " +
            "Both sides verify every sample; wall time includes it on both.");
    }
}
