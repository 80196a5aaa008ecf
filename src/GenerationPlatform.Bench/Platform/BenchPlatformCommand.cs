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
        int round = Math.Min(BenchJobs.PerRound, settings.Samples);
        int cap = settings.MaxBatch > 0 ? settings.MaxBatch : MeasureCap(output, settings.Device);
        if (settings.MaxBatch == 0 && cap < round)
        {
            // Whole-request batching cannot run a round in parts: both modes run at the round's size, so they compare at one cap.
            output.WriteLine($"the measured cap {cap} is below a round of {round} trajectories, which whole-request batching needs in one call: both modes run at {round}");
            cap = round;
        }
        if (round > cap) throw new CliArgumentException($"--max-batch: whole-request batching needs a round of {round} trajectories to fit in a batch (got {cap})");
        var load = new PlatformLoad(settings.Jobs, settings.Samples, settings.Steps, cap, Math.Min(4, settings.Samples));
        WriteHeader(output, load, settings);
        using var net = CliModel.Open(null, device: settings.Device);
        using var catalog = new VerifierCatalog();
        var results = Directory.CreateTempSubdirectory("genplat-bench-").FullName;
        try
        {
            var report = new BenchPlatformReport(load);
            await RunWavesAsync(report, settings, net.Field, catalog.Get(BenchJobs.Verifier), results, output, ct);
            return report;
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    /// <summary>
    /// Both platform hosts (step-level and whole-request batching) up at once, every side warmed, then the timed waves interleaved
    /// side by side (bare, step-level, whole-request; then both with spread arrivals), so that drift in a shared machine's
    /// speed hits every side alike.
    /// </summary>
    private static async Task RunWavesAsync(BenchPlatformReport report, BenchPlatformSettings settings, GuidedVelocityField field, IImageVerifier classifier,
        string results, TextWriter output, CancellationToken ct)
    {
        var load = report.Load;
        await using var step = await BenchHost.StartAsync(load, wholeRequests: false, results, settings.Device, ct);
        await using var whole = await BenchHost.StartAsync(load, wholeRequests: true, results, settings.Device, ct);
        // A warm-up wave is a timed wave untimed: every path the timed waves take (gRPC, grains, model, verifier, result store,
        // every round) compiled at tier 0.
        for (int w = 0; w < settings.Warmup; w++)
        {
            BareLoop.Run(load, field, classifier, w, ct);
            await step.WaveAsync(load, w, ct);
            await whole.WaveAsync(load, w, ct);
        }
        // The runtime counts calls toward tier 1 only once tier-0 compilation has been quiet for a while, so the warm-up's
        // calls did not count: once quiet, two more waves of K one-sample jobs per side (2 x K calls of the per-job paths,
        // over the 30 that promote a method), and quiet again, so that no tier-up shares the cores with the timed waves.
        var quiet = await JitQuiet.WaitAsync(ct);
        var light = load with { Samples = 1, TopK = 1 };
        for (int w = 0; w < 2; w++)
        {
            // Seeds of waves no timed wave uses.
            int wave = settings.Warmup + 3 * settings.Repeat + w;
            BareLoop.Run(light, field, classifier, wave, ct);
            await step.WaveAsync(light, wave, ct);
            await whole.WaveAsync(light, wave, ct);
        }
        quiet += await JitQuiet.WaitAsync(ct);
        output.WriteLine($"warm-up: {settings.Warmup} wave(s) of the load and 2 of one-sample jobs per side; JIT quiet after waiting {quiet.TotalSeconds:F1} s in all");
        for (int r = 0; r < settings.Repeat; r++)
        {
            int wave = settings.Warmup + r;
            report.Bare.Add(BareLoop.Run(load, field, classifier, wave, ct));
            report.Step.Add(await step.WaveAsync(load, wave, ct));
            report.Whole.Add(await whole.WaveAsync(load, wave, ct));
        }
        // Spread arrivals, what continuous batching is for: by default one job every quarter of a job's solo latency, so
        // that about four jobs overlap and newcomers keep arriving while others run.
        report.Spacing = settings.ArrivalMs is { } ms ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromSeconds((await step.WaveAsync(load with { Jobs = 1 }, settings.Warmup + 2 * settings.Repeat, ct)).Wall.TotalSeconds / 4);
        for (int r = 0; r < settings.Repeat; r++)
        {
            int wave = settings.Warmup + settings.Repeat + r;
            report.StepSpread.Add(await step.WaveAsync(load, wave, ct, report.Spacing));
            report.WholeSpread.Add(await whole.WaveAsync(load, wave, ct, report.Spacing));
        }
    }

    /// <summary>The batch cap a denoiser of the shipped model would measure on this machine: the curve, printed, and its cap.</summary>
    private static int MeasureCap(TextWriter output, string device)
    {
        using var net = CliModel.Open(null, device: device);
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
            $"{get_num_threads()} torch threads, {Environment.ProcessorCount} logical cores; the model's network on {settings.Device}");
        output.WriteLine("bare loop: one process, no grains, no gRPC: per round, all jobs' candidates of that round in one TrajectorySampler (same max batch), " +
            "then the classifier scores them in one call");
        output.WriteLine("platform:  gRPC Generate per job -> SearchGrain -> DenoiserGrain (continuous batching) + VerifierGrain (classifier) -> " +
            "result store (PNG + JSON) -> terminal update");
        output.WriteLine("NFE are counted alike: platform = sum of each job's reported NFE split (search + final); bare loop = sum of TrajectorySpec.Nfe. " +
            "Both sides verify every sample; wall time includes it on both.");
    }
}
