using System.Globalization;

namespace GenerationPlatform.Bench.Platform;

/// <summary>platform's waves, side by side: NFE/s and their ratio to the bare loop, latency, batch fill, model time; step-level against whole-request batching.</summary>
internal sealed class BenchPlatformReport(PlatformLoad load)
{
    public PlatformLoad Load { get; } = load;
    public List<PlatformWave> Bare { get; } = [];
    public List<PlatformWave> Step { get; } = [];
    public List<PlatformWave> Whole { get; } = [];
    public List<PlatformWave> StepSpread { get; } = [];
    public List<PlatformWave> WholeSpread { get; } = [];

    /// <summary>The spacing of job arrivals in the spread waves.</summary>
    public TimeSpan Spacing { get; set; }

    public void Write(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| side | total NFE | wall s | NFE/s | ratio to bare | latency p50 s | latency p95 s | model calls | mean batch | mean fill | ms per call | model busy |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        output.WriteLine(Row("bare loop", Bare));
        output.WriteLine(Row("platform, step-level batching", Step));
        output.WriteLine(Row("platform, whole-request batching", Whole));
        output.WriteLine(Row("platform, step-level, spread arrivals", StepSpread));
        output.WriteLine(Row("platform, whole-request, spread arrivals", WholeSpread));
        output.WriteLine();
        double bareSampler = Bare.Sum(w => w.Sampler.TotalSeconds), bareVerifier = Bare.Sum(w => w.Verifier.TotalSeconds);
        output.WriteLine($"bare loop: sampler {bareSampler:F2} s, verifier {bareVerifier:F2} s; sampler-only NFE/s {Bare.Sum(w => w.Nfe) / bareSampler:F1} " +
            $"(platform step-level against it: {Rate(Step) / (Bare.Sum(w => w.Nfe) / bareSampler):F3})");
        double platformWall = Step.Sum(w => w.Wall.TotalSeconds), platformModel = Step.Sum(w => w.Sampler.TotalSeconds);
        output.WriteLine($"platform step-level: denoiser model time {platformModel:F2} s of {platformWall:F2} s wall; outside model calls {platformWall - platformModel:F2} s " +
            $"(the bare loop spends {Bare.Sum(w => w.Wall.TotalSeconds) - bareSampler:F2} s outside its sampler, verification included)");
        double agree = Bare.Zip(Step).SelectMany(p => p.First.TopScores.Zip(p.Second.TopScores, (a, b) => Math.Abs(a - b))).Max();
        output.WriteLine($"same work: top-1 classifier score per job, platform vs bare loop, max |difference| {agree:G3}");
        output.WriteLine($"ratio platform/bare NFE/s: {Rate(Step) / Rate(Bare):F3} (target >= 0.97 at K = 16); by interleaved wave pair: " +
            string.Join(", ", Bare.Zip(Step, (b, p) => (p.Nfe / p.Wall.TotalSeconds / (b.Nfe / b.Wall.TotalSeconds)).ToString("F3", CultureInfo.InvariantCulture))));
        output.WriteLine($"JIT compilation during the timed waves (any thread): bare {Jit(Bare):F2} s, step-level {Jit(Step):F2} s, whole-request {Jit(Whole):F2} s, " +
            $"spread: step-level {Jit(StepSpread):F2} s, whole-request {Jit(WholeSpread):F2} s");
        Versus(output, "all K jobs at once", Step, Whole);
        Versus(output, $"job j arriving at j x {Spacing.TotalMilliseconds:F0} ms", StepSpread, WholeSpread);
    }

    private string Row(string name, List<PlatformWave> w) =>
        $"| {name} | {w.Sum(x => x.Nfe)} | {w.Sum(x => x.Wall.TotalSeconds):F2} | {Rate(w):F1} | {Rate(w) / Rate(Bare):F3} | {Pct(w, 0.5):F2} | {Pct(w, 0.95):F2} " +
        $"| {w.Sum(x => x.ModelCalls)} | {Batch(w):F1} | {Batch(w) / Load.MaxBatch:F3} | {MsPerCall(w):F1} | {Busy(w):P0} |";

    private void Versus(TextWriter output, string what, List<PlatformWave> a, List<PlatformWave> b) =>
        output.WriteLine($"step-level vs whole-request batching, {what}: NFE/s {Rate(a):F1} vs {Rate(b):F1} (x{Rate(a) / Rate(b):F2}), " +
            $"latency p50 {Pct(a, 0.5):F2} s vs {Pct(b, 0.5):F2} s, p95 {Pct(a, 0.95):F2} s vs {Pct(b, 0.95):F2} s, " +
            $"mean fill {Batch(a) / Load.MaxBatch:F3} vs {Batch(b) / Load.MaxBatch:F3}");

    private static double Jit(List<PlatformWave> waves) => waves.Sum(w => w.Jit.TotalSeconds);
    private static double Rate(List<PlatformWave> waves) => waves.Sum(w => w.Nfe) / waves.Sum(w => w.Wall.TotalSeconds);
    private static double Pct(List<PlatformWave> waves, double q) => Percentile.Of(waves.SelectMany(w => w.LatencySeconds), q);
    private static double Batch(List<PlatformWave> waves) => waves.Sum(w => w.TrajectorySteps) / (double)Math.Max(1, waves.Sum(w => w.ModelCalls));
    private static double Busy(List<PlatformWave> waves) => waves.Sum(w => w.Sampler.TotalSeconds) / waves.Sum(w => w.Wall.TotalSeconds);
    private static double MsPerCall(List<PlatformWave> waves) => 1000 * waves.Sum(w => w.Sampler.TotalSeconds) / Math.Max(1, waves.Sum(w => w.ModelCalls));
}
