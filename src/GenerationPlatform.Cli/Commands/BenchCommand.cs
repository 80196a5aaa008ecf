using System.CommandLine;
using System.Diagnostics;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Onnx;
using GenerationPlatform.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

using GenerationPlatform.Serving;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks that print ratios against a bare baseline on this machine");
        var seconds = new Option<double>("--seconds") { Description = "measuring time per point", DefaultValueFactory = _ => 3.0 };
        var batches = new Option<string>("--batches") { Description = "batch sizes to measure", DefaultValueFactory = _ => "1,2,4,8,16,32,64,128,256" };
        var model = new Option<string?>("--model") { Description = "velocity network weights (.safetensors; default: the shipped model)" };
        var backend = new Option<string>("--backend")
        {
            Description = "torchsharp (the network in TorchSharp) or onnx (exported in memory, run by ONNX Runtime)",
            DefaultValueFactory = _ => "torchsharp",
        };
        backend.AcceptOnlyFromAmong("torchsharp", "onnx");
        var device = new Option<string>("--device")
        {
            Description = "cpu, or cuda (onnx only: ONNX Runtime's CUDA provider in the GPU build, -p:GenPlatAccelerator=cuda)",
            DefaultValueFactory = _ => "cpu",
        };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var threads = new Option<int>("--threads") { Description = "onnx: ONNX Runtime intra-op threads (0: one per logical core)", DefaultValueFactory = _ => 0 };
        var modelCmd = new Command("model", "float32 matmul GFLOP/s (the ceiling) vs the velocity network's forward GFLOP/s by batch size, for either backend")
        {
            seconds, batches, model, backend, device, threads,
        };
        modelCmd.SetAction((p, ct) =>
        {
            double budget = CliParsing.InRange(p.GetValue(seconds), "--seconds", 0.1, 600);
            var sizes = p.GetValue(batches)!.Split(',', StringSplitOptions.TrimEntries).Select(x => int.TryParse(x, out var b) && b > 0 ? b : throw new CliArgumentException($"--batches: '{x}' is not a positive integer")).ToArray();
            var onnx = p.GetValue(backend) == "onnx";
            var cuda = p.GetValue(device) == "cuda";
            int onnxThreads = p.GetValue(threads);
            if (onnxThreads < 0) throw new CliArgumentException($"--threads must be 0 or positive (got {onnxThreads})");
            if (cuda && !onnx)
                throw new CliArgumentException("--device cuda: the torchsharp backend runs on the CPU package here (TorchSharp's CUDA build is the opt-in -p:GenPlatTorchCuda=true); use --backend onnx");
            using var _ = no_grad();
            using var unet = VelocityModelFile.Load(p.GetValue(model));
            double flops = unet.ForwardFlops();

            IVelocityNetwork network;
            double ceiling;
            double? ortCeiling = null; // ONNX Runtime's own matmul on the CPU, for a second ratio
            if (onnx)
            {
                int intraOp = onnxThreads > 0 ? onnxThreads : Environment.ProcessorCount;
                var settings = new OnnxSessionSettings(cuda ? OnnxDevice.Cuda : OnnxDevice.Cpu, intraOp);
                try { network = new OnnxVelocityNetwork(OnnxExporter.Export(unet), unet.Config.Shape, Conditioning(unet.Config), settings); }
                catch (OnnxDeviceException e) { throw new CliArgumentException($"--device cuda: {e.Message}"); }
                Console.WriteLine($"backend onnx: ONNX Runtime {OrtEnv.Instance().GetVersionString()}, {(cuda ? "CUDA" : "CPU")} execution provider, {intraOp} intra-op threads, " +
                    $"graph optimization all, {Environment.ProcessorCount} logical cores{(OnnxSessions.CudaBuild ? " (GPU build)" : "")}");
                if (cuda)
                {
                    ceiling = OrtMatmulGflops(4096, 8, settings, budget);
                    Console.WriteLine($"matmul 4096x4096x4096 float32 in ONNX Runtime on CUDA (8 chained, on the device): {ceiling:F1} GFLOP/s (ceiling)");
                }
                else
                {
                    ceiling = MatmulGflops(1024, budget);
                    Console.WriteLine($"matmul 1024x1024x1024 float32 (TorchSharp, {get_num_threads()} threads): {ceiling:F1} GFLOP/s (ceiling)");
                    ortCeiling = OrtMatmulGflops(1024, 1, settings, budget);
                    Console.WriteLine($"matmul 1024x1024x1024 float32 in ONNX Runtime: {ortCeiling:F1} GFLOP/s (for reference)");
                }
            }
            else
            {
                network = new TorchVelocityNetwork(unet, Conditioning(unet.Config), owns: false);
                Console.WriteLine($"backend torchsharp: TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, threads {get_num_threads()}, {Environment.ProcessorCount} logical cores");
                ceiling = MatmulGflops(1024, budget);
                Console.WriteLine($"matmul 1024x1024x1024 float32: {ceiling:F1} GFLOP/s (ceiling)");
            }
            using (network)
            {
                var config = unet.Config;
                Console.WriteLine($"velocity network {config.Shape} {network.Conditioning}: {unet.ParameterCount():N0} parameters, {flops / 1e9:F4} GFLOP per image per forward");
                Console.WriteLine("| batch | images/s | GFLOP/s | ratio to matmul |");
                Console.WriteLine("|---|---|---|---|");
                double best = 0;
                int bestBatch = 0;
                var curve = new List<BatchCap.Point>();
                foreach (var b in sizes)
                {
                    ct.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var x = randn(config.Shape.Batch(b));
                    var t = rand(b);
                    var y = config.IsText ? randn(b, config.TextEmbedding) : randint(0, config.Classes + 1, [b]);
                    double perSecond = Rate(() => { using var v = network.Forward(x, t, y); }, budget) * b;
                    double gflops = perSecond * flops / 1e9;
                    if (gflops > best) (best, bestBatch) = (gflops, b);
                    curve.Add(new BatchCap.Point(b, perSecond));
                    Console.WriteLine($"| {b} | {perSecond:F0} | {gflops:F1} | {gflops / ceiling:F2} |");
                }
                Console.WriteLine($"best ratio to the matmul ceiling: {best / ceiling:F2} (batch {bestBatch}, {network.Backend} on {network.Device})");
                if (ortCeiling is { } ort) Console.WriteLine($"best ratio to ONNX Runtime's own matmul: {best / ort:F2}");
                // The cap a denoiser on this device would choose: the smallest batch within 95% of the best rows/s.
                Console.WriteLine($"batch cap (knee: smallest batch within 95% of the best images/s): {BatchCap.Knee(curve)}");
            }
            return Task.FromResult(0);
        });
        bench.Subcommands.Add(modelCmd);
        bench.Subcommands.Add(BenchPlatformCommand.Create());
        bench.Subcommands.Add(BenchClusterCommand.Create());
        return bench;
    }

    private static Conditioning Conditioning(UNetConfig config) => config.IsText
        ? GenerationPlatform.Core.Model.Conditioning.ForText("bench", config.TextEmbedding)
        : GenerationPlatform.Core.Model.Conditioning.ForClasses(Enumerable.Range(0, config.Classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    private static double MatmulGflops(int n, double seconds)
    {
        using var a = randn(n, n);
        using var b = randn(n, n);
        return Rate(() => { using var c = a.matmul(b); }, seconds) * 2.0 * n * n * n / 1e9;
    }

    /// <summary>
    /// n x n x n float32 MatMuls through ONNX Runtime with these settings: the left matrix is drawn on the device
    /// (RandomNormal, scaled by a one-value input so nothing folds), multiplied <paramref name="chain"/> times by a
    /// constant matrix and summed to one value, so host-device copies do not count.
    /// </summary>
    private static double OrtMatmulGflops(int n, int chain, OnnxSessionSettings settings, double seconds)
    {
        var g = new OnnxGraphBuilder("matmul");
        var s = g.Input("s", OnnxElementType.Float, 1);
        var random = new Random(1);
        var values = new float[n * n];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2.0 / n);
        var b = g.Initializer("b", [n, n], values);
        var c = g.Node("Mul", [g.Node("RandomNormal", [], OnnxAttribute.Ints("shape", n, n), OnnxAttribute.Int("dtype", 1)), s]);
        for (int k = 0; k < chain; k++) c = g.Node("MatMul", [c, b]);
        g.NodeNamed("ReduceSum", [c], ["sum"], OnnxAttribute.Int("keepdims", 0));
        g.Output("sum", OnnxElementType.Float);
        using var session = OnnxSessions.Create(g.ToModel(), settings);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1f }, [1]);
        using var run = new RunOptions();
        return Rate(() => { using var outputs = session.Session.Run(run, ["s"], [input], ["sum"]); }, seconds) * chain * 2.0 * n * n * n / 1e9;
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
