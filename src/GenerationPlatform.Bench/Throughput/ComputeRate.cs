using System.Diagnostics;
using GenerationPlatform.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace GenerationPlatform.Bench.Throughput;

/// <summary>How fast this machine computes: calls per second of an action, and the float32 matmul ceilings of TorchSharp and ONNX Runtime.</summary>
internal static class ComputeRate
{
    /// <summary>Calls per second: a warm-up, then the median of five timed windows.</summary>
    public static double Of(Action call, double seconds)
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

    /// <summary>n x n x n float32 matmuls in TorchSharp, in GFLOP/s.</summary>
    public static double MatmulGflops(int n, double seconds)
    {
        using var a = randn(n, n);
        using var b = randn(n, n);
        return Of(() => { using var c = a.matmul(b); }, seconds) * 2.0 * n * n * n / 1e9;
    }

    /// <summary>
    /// n x n x n matmuls in TorchSharp on the GPU, in GFLOP/s: <paramref name="chain"/> products launched, then one
    /// synchronize, so the figure is the device's and not the launch latency's. <paramref name="type"/> float32 with
    /// <paramref name="tf32"/> false is the strict float32 ceiling; with it true, cuBLAS's TF32 tensor cores; bfloat16, the
    /// half-precision tensor cores. TF32 is set back to what it was.
    /// </summary>
    public static double CudaMatmulGflops(int n, ScalarType type, bool tf32, int chain, double seconds)
    {
        bool before = TorchSharp.torch.backends.cuda.matmul.allow_tf32;
        TorchSharp.torch.backends.cuda.matmul.allow_tf32 = tf32;
        try
        {
            using var a = randn(n, n, dtype: type, device: CUDA);
            using var b = randn(n, n, dtype: type, device: CUDA);
            return Of(() =>
            {
                for (int k = 0; k < chain; k++) { using var c = a.matmul(b); }
                TorchSharp.torch.cuda.synchronize();
            }, seconds) * chain * 2.0 * n * n * n / 1e9;
        }
        finally { TorchSharp.torch.backends.cuda.matmul.allow_tf32 = before; }
    }

    /// <summary>
    /// n x n x n float32 MatMuls through ONNX Runtime with these settings: the left matrix is drawn on the device
    /// (RandomNormal, scaled by a one-value input so nothing folds), multiplied <paramref name="chain"/> times by a
    /// constant matrix and summed to one value, so host-device copies do not count.
    /// </summary>
    public static double OrtMatmulGflops(int n, int chain, OnnxSessionSettings settings, double seconds)
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
        return Of(() => { using var outputs = session.Session.Run(run, ["s"], [input], ["sum"]); }, seconds) * chain * 2.0 * n * n * n / 1e9;
    }
}
