using System.CommandLine;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Platform;

/// <summary>platform's options, read and checked: the load (jobs, samples, steps, batch cap; 0: measured first) and the waves.</summary>
internal sealed record BenchPlatformSettings(int Jobs, int Samples, int Steps, int MaxBatch, int Repeat, int Warmup, double? ArrivalMs, string Device = "cpu")
{
    private static readonly Option<int> jobs = new("--jobs") { Description = "concurrent jobs K", DefaultValueFactory = _ => 16 };
    private static readonly Option<int> samples = new("--samples")
    {
        Description = "full samples per job (the job's budget is samples x one sample's NFE) unless --budget is given; random search verifies them in rounds of 16",
        DefaultValueFactory = _ => 32,
    };
    private static readonly Option<long?> budget = new("--budget") { Description = "NFE per job; random search does budget / (one sample's NFE) full samples" };
    private static readonly Option<int> steps = new("--steps") { Description = "Heun steps per sample (2 x steps - 1 NFE)", DefaultValueFactory = _ => 4 };
    private static readonly Option<int> maxBatch = new("--max-batch")
    {
        Description = "most trajectory steps per model call, platform and bare loop alike; " +
            "0: measured here first, as a denoiser does at activation (the knee of rows/s by batch size)",
        DefaultValueFactory = _ => 0,
    };
    private static readonly Option<int> repeat = new("--repeat") { Description = "timed waves of K jobs per side", DefaultValueFactory = _ => 2 };
    private static readonly Option<double?> arrivalMs = new("--arrival-ms")
    {
        Description = "spacing of job arrivals in the spread-arrival waves (default: a quarter of one job's latency when it runs alone)",
    };
    private static readonly Option<int> warmup = new("--warmup")
    {
        Description = "untimed waves of the load per side first (model load, JIT, first model call, every platform path); then, always, two waves of " +
            "one-sample jobs, so that code run once per job reaches the runtime's tier-up threshold (30 calls) before the timed waves",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<string> device = CreateDevice();

    public static IReadOnlyList<Option> Options { get; } = [jobs, samples, budget, steps, maxBatch, repeat, warmup, arrivalMs, device];

    private static Option<string> CreateDevice()
    {
        var option = new Option<string>("--device")
        {
            Description = "where the shipped model's network runs, bare loop and platform alike: cpu, or cuda (over a CUDA libtorch named by GENPLAT_LIBTORCH)",
            DefaultValueFactory = _ => "cpu",
        };
        option.AcceptOnlyFromAmong("cpu", "cuda");
        return option;
    }

    public static BenchPlatformSettings Parse(ParseResult p)
    {
        int k = CliParsing.InRange(p.GetValue(jobs), "--jobs", 1, 1024);
        int s = CliParsing.InRange(p.GetValue(steps), "--steps", 1, 200);
        int sampleNfe = BenchJobs.SampleNfe(s);
        int n = p.GetValue(budget) is { } b
            ? (int)(b is >= 1 and <= 100_000 && b >= sampleNfe ? b / sampleNfe
                : throw new CliArgumentException($"--budget must be between one sample's NFE ({sampleNfe}) and 100000 (got {b})"))
            : CliParsing.InRange(p.GetValue(samples), "--samples", 1, 10_000);
        int mb = CliParsing.InRange(p.GetValue(maxBatch), "--max-batch", 0, 4096);
        int round = Math.Min(BenchJobs.PerRound, n);
        if (mb > 0 && round > mb) throw new CliArgumentException($"--max-batch: whole-request batching needs a round of {round} trajectories to fit in a batch (got {mb})");
        double? arrival = p.GetValue(arrivalMs) is { } a ? CliParsing.InRange(a, "--arrival-ms", 0, 600_000) : null;
        return new BenchPlatformSettings(k, n, s, mb,
            CliParsing.InRange(p.GetValue(repeat), "--repeat", 1, 100), CliParsing.InRange(p.GetValue(warmup), "--warmup", 0, 100), arrival, p.GetValue(device)!);
    }
}
