using System.CommandLine;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>cluster's options, read and checked before anything starts: the load, the denoisers' batch cap and threads, the waves, the output and the time limit.</summary>
internal sealed record BenchClusterSettings(int Jobs, long Budget, int Steps, int MaxBatch, int Threads, int Repeat, int Warmup, string? Out, TimeSpan Timeout)
{
    private const int DefaultSamples = 32;

    /// <summary>The denoiser silo counts measured, in order, each after the last (the first is 1: the baseline of the ratios).</summary>
    public IReadOnlyList<int> DenoiserCounts { get; init; } = [1, 2];

    /// <summary>The simulated backend's call time (docs/MODELS.md, "Simulated"), when the denoisers run it; null: the shipped model on the CPU.</summary>
    public SimulatedGpu? Simulated { get; init; }

    private static readonly Option<int> jobs = new("--jobs") { Description = "concurrent jobs K, all submitted at once", DefaultValueFactory = _ => 16 };
    private static readonly Option<long?> budget = new("--budget")
    {
        Description = $"NFE per job (default: {DefaultSamples} samples, platform's load: {DefaultSamples} x (2 x steps - 1)); " +
            "random search does budget / (one sample's NFE) full samples",
    };
    private static readonly Option<int> steps = new("--steps") { Description = "Heun steps per sample (2 x steps - 1 NFE)", DefaultValueFactory = _ => 4 };
    private static readonly Option<int> maxBatch = new("--max-batch")
    {
        Description = "batch cap of every denoiser silo (GenerationPlatform__Denoiser__MaxBatch); 0: measured by the first denoiser silo and given to the second",
        DefaultValueFactory = _ => 0,
    };
    private static readonly Option<int> threads = new("--threads")
    {
        Description = "torch threads of every silo process (OMP_NUM_THREADS, MKL_NUM_THREADS)", DefaultValueFactory = _ => 1,
    };
    private static readonly Option<int> repeat = new("--repeat") { Description = "timed waves of K jobs per topology", DefaultValueFactory = _ => 2 };
    private static readonly Option<int> warmup = new("--warmup")
    {
        Description = "untimed waves of one sample per job first, per topology (model load, JIT, batch-cap measurement, every path)", DefaultValueFactory = _ => 1,
    };
    private static readonly Option<string?> output = new("--out") { Description = "also write the figures to this JSON file" };
    private static readonly Option<bool> simulated = new("--simulated")
    {
        Description = "denoiser silos run the simulated backend (a call of b rows waits t0 + b x t1, computing nothing: a GPU's time, the rest real) " +
            "instead of the shipped model on the CPU; docs/SCALING-OUT.md",
    };
    private static readonly Option<double> t0 = new("--t0-ms") { Description = "with --simulated: a call's fixed time, ms", DefaultValueFactory = _ => SimulatedGpu.Given.T0Ms };
    private static readonly Option<double> t1 = new("--t1-ms") { Description = "with --simulated: a call's time per row, ms", DefaultValueFactory = _ => SimulatedGpu.Given.T1Ms };
    private static readonly Option<string?> denoisers = new("--denoisers")
    {
        Description = "denoiser silo counts, ascending from 1, comma-separated (default 1,2; with --simulated 1,2,4,8)",
    };
    private static readonly Option<double> timeout = new("--timeout")
    {
        Description = "seconds for the whole benchmark (cluster start included); past it everything is stopped", DefaultValueFactory = _ => 1800,
    };

    public static IReadOnlyList<Option> Options { get; } = [jobs, budget, steps, maxBatch, threads, repeat, warmup, output, timeout, simulated, t0, t1, denoisers];

    public int SampleNfe => BenchJobs.SampleNfe(Steps);
    public long Samples => Budget / SampleNfe;
    public int TopK => (int)Math.Min(4, Samples);

    /// <summary>Every option checked before anything starts; a bad value is a <see cref="CliArgumentException"/> naming its option.</summary>
    public static BenchClusterSettings Parse(ParseResult p)
    {
        int k = CliParsing.InRange(p.GetValue(jobs), "--jobs", 1, 1024);
        int s = CliParsing.InRange(p.GetValue(steps), "--steps", 1, 200);
        int sampleNfe = BenchJobs.SampleNfe(s);
        long b = p.GetValue(budget) ?? (long)DefaultSamples * sampleNfe;
        if (b < sampleNfe || b > 100_000)
            throw new CliArgumentException($"--budget must be between one sample's NFE ({sampleNfe} at {s} Heun steps) and 100000 (got {b})");
        int mb = CliParsing.InRange(p.GetValue(maxBatch), "--max-batch", 0, 4096);
        int t = CliParsing.InRange(p.GetValue(threads), "--threads", 1, 256);
        int r = CliParsing.InRange(p.GetValue(repeat), "--repeat", 1, 100);
        int w = CliParsing.InRange(p.GetValue(warmup), "--warmup", 0, 100);
        if (mb == 0 && w == 0) throw new CliArgumentException("--warmup must be at least 1 when --max-batch is 0 (the first denoiser silo measures the cap in its warm-up)");
        double seconds = CliParsing.InRange(p.GetValue(timeout), "--timeout", 10, 7 * 86_400);
        var outPath = p.GetValue(output);
        if (outPath is not null) CliParsing.EnsureWritable(outPath, "--out");
        bool sim = p.GetValue(simulated);
        double t0Ms = CliParsing.InRange(p.GetValue(t0), "--t0-ms", 0, 10_000), t1Ms = CliParsing.InRange(p.GetValue(t1), "--t1-ms", 0, 10_000);
        foreach (var (option, name) in new[] { (t0, "--t0-ms"), (t1, "--t1-ms") })
            if (!sim && p.GetResult(option) is { Implicit: false }) throw new CliArgumentException($"{name} applies only with --simulated");
        var counts = Counts(p.GetValue(denoisers) ?? (sim ? "1,2,4,8" : "1,2"));
        return new BenchClusterSettings(k, b, s, mb, t, r, w, outPath, TimeSpan.FromSeconds(seconds))
        {
            DenoiserCounts = counts,
            Simulated = sim ? new SimulatedGpu(t0Ms, t1Ms) : null,
        };
    }

    private static int[] Counts(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out counts[i]) || counts[i] is < 1 or > 16
                || (i == 0 ? counts[i] != 1 : counts[i] <= counts[i - 1]))
                throw new CliArgumentException($"--denoisers must be ascending counts from 1 to 16, starting with 1, comma-separated (got '{text}')");
        return counts;
    }
}
