using System.CommandLine;
using System.Diagnostics;
using GenerationPlatform.Diffusion.Model;
using static TorchSharp.torch;

namespace GenerationPlatform.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks that print ratios against a bare baseline on this machine");
        var seconds = new Option<double>("--seconds") { Description = "measuring time per point", DefaultValueFactory = _ => 3.0 };
        var batches = new Option<string>("--batches") { Description = "batch sizes to measure", DefaultValueFactory = _ => "1,2,4,8,16,32,64,128,256" };
        var model = new Option<string?>("--model") { Description = "velocity network weights (default: the shipped model)" };
        var modelCmd = new Command("model", "float32 matmul GFLOP/s (the ceiling) vs the velocity network's forward GFLOP/s by batch size") { seconds, batches, model };
        modelCmd.SetAction((p, ct) =>
        {
            double budget = CliParsing.InRange(p.GetValue(seconds), "--seconds", 0.1, 600);
            var sizes = p.GetValue(batches)!.Split(',', StringSplitOptions.TrimEntries).Select(x => int.TryParse(x, out var b) && b > 0 ? b : throw new CliArgumentException($"--batches: '{x}' is not a positive integer")).ToArray();
            using var _ = no_grad();
            Console.WriteLine($"threads {get_num_threads()}, {Environment.ProcessorCount} logical cores, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}");
            double ceiling = MatmulGflops(1024, budget);
            Console.WriteLine($"matmul 1024x1024x1024 float32: {ceiling:F1} GFLOP/s (ceiling)");
            using var net = VelocityModelFile.Load(p.GetValue(model));
            double flops = net.ForwardFlops();
            Console.WriteLine($"velocity network: {net.ParameterCount():N0} parameters, {flops / 1e9:F4} GFLOP per image per forward");
            Console.WriteLine("| batch | images/s | GFLOP/s | ratio to matmul |");
            Console.WriteLine("|---|---|---|---|");
            double best = 0;
            var curve = new List<Search.BatchCap.Point>();
            foreach (var b in sizes)
            {
                using var x = randn(b, 1, 28, 28);
                using var t = rand(b);
                using var y = randint(0, 10, [b]);
                double perSecond = Rate(() => { using var v = net.forward(x, t, y); }, budget) * b;
                double gflops = perSecond * flops / 1e9;
                best = Math.Max(best, gflops);
                curve.Add(new Search.BatchCap.Point(b, perSecond));
                Console.WriteLine($"| {b} | {perSecond:F0} | {gflops:F1} | {gflops / ceiling:F2} |");
            }
            Console.WriteLine($"best ratio to the matmul ceiling: {best / ceiling:F2}");
            // The cap a denoiser on this device would choose: the smallest batch within 95% of the best rows/s.
            Console.WriteLine($"batch cap (knee: smallest batch within 95% of the best images/s): {Search.BatchCap.Knee(curve)}");
            return Task.FromResult(0);
        });
        bench.Subcommands.Add(modelCmd);
        bench.Subcommands.Add(BenchPlatformCommand.Create());
        bench.Subcommands.Add(BenchClusterCommand.Create());
        return bench;
    }

    private static double MatmulGflops(int n, double seconds)
    {
        using var a = randn(n, n);
        using var b = randn(n, n);
        return Rate(() => { using var c = a.matmul(b); }, seconds) * 2.0 * n * n * n / 1e9;
    }

    /// <summary>Calls per second: a warm-up, then the median of five timed windows.</summary>
    private static double Rate(Action call, double seconds)
    {
        for (int i = 0; i < 3; i++) call();
        var rates = new List<double>();
        for (int w = 0; w < 5; w++)
        {
            var clock = Stopwatch.StartNew();
            int calls = 0;
            do { call(); calls++; } while (clock.Elapsed.TotalSeconds < seconds / 5);
            rates.Add(calls / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[2];
    }
}
