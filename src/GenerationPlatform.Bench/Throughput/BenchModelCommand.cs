using System.Globalization;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Diffusion.LibTorch;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Onnx;
using GenerationPlatform.Onnx;
using GenerationPlatform.Serving;
using GenerationPlatform.Tools;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Bench.Throughput;

/// <summary>
/// <c>genplat-bench model</c>: float32 matmul GFLOP/s (the ceiling) against the velocity network's forward GFLOP/s by batch
/// size, in TorchSharp or ONNX Runtime (CPU or CUDA), and the batch cap a denoiser would choose (the knee).
/// </summary>
internal static class BenchModelCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("model",
        "float32 matmul GFLOP/s (the ceiling) vs the velocity network's forward GFLOP/s by batch size, for either backend", BenchModelSettings.Options, (p, ct) =>
        {
            Run(BenchModelSettings.Parse(p), Console.Out, ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    /// <summary>Prints the backend and its ceiling, then one table row per batch size as it is measured.</summary>
    public static BenchModelReport Run(BenchModelSettings settings, TextWriter output, CancellationToken ct)
    {
        using var _ = no_grad();
        using var unet = VelocityModelFile.Load(settings.Model);
        double flops = unet.ForwardFlops();
        var (network, ceiling, ortCeiling, tf32, bf16) = settings.Onnx ? OnnxBackend(unet, settings, output) : TorchBackend(unet, settings, output);
        using (network)
        {
            var config = unet.Config;
            output.WriteLine($"velocity network {config.Shape} {network.Conditioning}: {unet.ParameterCount():N0} parameters, {flops / 1e9:F4} GFLOP per image per forward");
            output.WriteLine("| batch | images/s | GFLOP/s | ratio to matmul |");
            output.WriteLine("|---|---|---|---|");
            double best = 0;
            int bestBatch = 0;
            var curve = new List<BatchCap.Point>();
            foreach (var b in settings.Batches)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var x = randn(config.Shape.Batch(b));
                var t = rand(b);
                var y = config.IsText ? randn(b, config.TextEmbedding) : randint(0, config.Classes + 1, [b]);
                double perSecond = ComputeRate.Of(() => { using var v = network.Forward(x, t, y); }, settings.Seconds) * b;
                double gflops = perSecond * flops / 1e9;
                if (gflops > best) (best, bestBatch) = (gflops, b);
                curve.Add(new BatchCap.Point(b, perSecond));
                output.WriteLine($"| {b} | {perSecond:F0} | {gflops:F1} | {gflops / ceiling:F2} |");
            }
            return new BenchModelReport(best, bestBatch, ceiling, ortCeiling, network.Backend, network.Device, BatchCap.Knee(curve), tf32, bf16);
        }
    }

    private static (IVelocityNetwork Network, double Ceiling, double? OrtCeiling, double? Tf32, double? Bf16) TorchBackend(VelocityUNet unet,
        BenchModelSettings settings, TextWriter output)
    {
        var libtorch = LibTorchRuntime.Load(null);
        output.WriteLine($"backend torchsharp: TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, {libtorch.Summary()}");
        if (!settings.Cuda)
        {
            var cpu = new TorchVelocityNetwork(unet, Conditioning(unet.Config), owns: false);
            output.WriteLine($"threads {get_num_threads()}, {Environment.ProcessorCount} logical cores");
            double ceiling = ComputeRate.MatmulGflops(1024, settings.Seconds);
            output.WriteLine($"matmul 1024x1024x1024 float32: {ceiling:F1} GFLOP/s (ceiling)");
            return (cpu, ceiling, null, null, null);
        }
        Device device;
        try { device = ComputeDevice.Choose(ComputeDevice.Cuda); }
        catch (InvalidOperationException e) { throw new CliArgumentException($"--device cuda: {e.Message}; {libtorch.Summary()}"); }
        unet.to(device);
        var network = new TorchVelocityNetwork(unet, Conditioning(unet.Config), owns: false);
        // cuDNN's convolutions as the network runs them (its TF32 default on, as PyTorch's); the matmul ceilings below set cuBLAS's.
        output.WriteLine($"network on {device}: cuDNN TF32 {(backends.cudnn.allow_tf32 ? "on" : "off")}, cuBLAS TF32 {(backends.cuda.matmul.allow_tf32 ? "on" : "off")}; " +
            "inputs copied to the GPU and velocities back each call, as the denoiser does");
        const int n = 8192, chain = 8;
        double fp32 = ComputeRate.CudaMatmulGflops(n, ScalarType.Float32, tf32: false, chain, settings.Seconds);
        double tf32 = ComputeRate.CudaMatmulGflops(n, ScalarType.Float32, tf32: true, chain, settings.Seconds);
        double bf16 = ComputeRate.CudaMatmulGflops(n, ScalarType.BFloat16, tf32: false, chain, settings.Seconds);
        output.WriteLine($"matmul {n}x{n}x{n} on the GPU ({chain} chained, then synchronize): float32 {fp32:F0} GFLOP/s (ceiling), " +
            $"TF32 {tf32:F0} GFLOP/s, bfloat16 {bf16:F0} GFLOP/s");
        return (network, fp32, null, tf32, bf16);
    }

    /// <summary>The network exported to ONNX in memory; the ceiling on CUDA is ONNX Runtime's own, on the CPU TorchSharp's (ONNX Runtime's for reference).</summary>
    private static (IVelocityNetwork Network, double Ceiling, double? OrtCeiling, double? Tf32, double? Bf16) OnnxBackend(VelocityUNet unet,
        BenchModelSettings settings, TextWriter output)
    {
        int intraOp = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount;
        var session = new OnnxSessionSettings(settings.Cuda ? OnnxDevice.Cuda : OnnxDevice.Cpu, intraOp);
        IVelocityNetwork network;
        try { network = new OnnxVelocityNetwork(OnnxExporter.Export(unet), unet.Config.Shape, Conditioning(unet.Config), session); }
        catch (OnnxDeviceException e) { throw new CliArgumentException($"--device cuda: {e.Message}"); }
        output.WriteLine($"backend onnx: ONNX Runtime {OrtEnv.Instance().GetVersionString()}, {(settings.Cuda ? "CUDA" : "CPU")} execution provider, {intraOp} intra-op threads, " +
            $"graph optimization all, {Environment.ProcessorCount} logical cores{(OnnxSessions.CudaBuild ? " (GPU build)" : "")}");
        if (settings.Cuda)
        {
            double cuda = ComputeRate.OrtMatmulGflops(4096, 8, session, settings.Seconds);
            output.WriteLine($"matmul 4096x4096x4096 float32 in ONNX Runtime on CUDA (8 chained, on the device): {cuda:F1} GFLOP/s (ceiling)");
            return (network, cuda, null, null, null);
        }
        double ceiling = ComputeRate.MatmulGflops(1024, settings.Seconds);
        output.WriteLine($"matmul 1024x1024x1024 float32 (TorchSharp, {get_num_threads()} threads): {ceiling:F1} GFLOP/s (ceiling)");
        double ort = ComputeRate.OrtMatmulGflops(1024, 1, session, settings.Seconds);
        output.WriteLine($"matmul 1024x1024x1024 float32 in ONNX Runtime: {ort:F1} GFLOP/s (for reference)");
        return (network, ceiling, ort, null, null);
    }

    private static Conditioning Conditioning(UNetConfig config) => config.IsText
        ? GenerationPlatform.Core.Model.Conditioning.ForText("bench", config.TextEmbedding)
        : GenerationPlatform.Core.Model.Conditioning.ForClasses(Enumerable.Range(0, config.Classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
}
