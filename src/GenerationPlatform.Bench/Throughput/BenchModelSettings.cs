using System.CommandLine;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Throughput;

/// <summary>model's options, read and checked: time per point, batch sizes, the network, the backend and device, ONNX Runtime's threads.</summary>
internal sealed record BenchModelSettings(double Seconds, int[] Batches, string? Model, bool Onnx, bool Cuda, int Threads)
{
    private static readonly Option<double> seconds = new("--seconds") { Description = "measuring time per point", DefaultValueFactory = _ => 3.0 };
    private static readonly Option<string> batches = new("--batches") { Description = "batch sizes to measure", DefaultValueFactory = _ => "1,2,4,8,16,32,64,128,256" };
    private static readonly Option<string?> model = new("--model") { Description = "velocity network weights (.safetensors; default: the shipped model)" };
    private static readonly Option<string> backend = CreateBackend();
    private static readonly Option<string> device = CreateDevice();
    private static readonly Option<int> threads = new("--threads") { Description = "onnx: ONNX Runtime intra-op threads (0: one per logical core)", DefaultValueFactory = _ => 0 };

    public static IReadOnlyList<Option> Options { get; } = [seconds, batches, model, backend, device, threads];

    public static BenchModelSettings Parse(ParseResult p)
    {
        double budget = CliParsing.InRange(p.GetValue(seconds), "--seconds", 0.1, 600);
        var sizes = p.GetValue(batches)!.Split(',', StringSplitOptions.TrimEntries)
            .Select(x => int.TryParse(x, out var b) && b > 0 ? b : throw new CliArgumentException($"--batches: '{x}' is not a positive integer")).ToArray();
        bool onnx = p.GetValue(backend) == "onnx", cuda = p.GetValue(device) == "cuda";
        int onnxThreads = p.GetValue(threads);
        if (onnxThreads < 0) throw new CliArgumentException($"--threads must be 0 or positive (got {onnxThreads})");
        return new BenchModelSettings(budget, sizes, p.GetValue(model), onnx, cuda, onnxThreads);
    }

    private static Option<string> CreateBackend()
    {
        var option = new Option<string>("--backend")
        {
            Description = "torchsharp (the network in TorchSharp) or onnx (exported in memory, run by ONNX Runtime)", DefaultValueFactory = _ => "torchsharp",
        };
        option.AcceptOnlyFromAmong("torchsharp", "onnx");
        return option;
    }

    private static Option<string> CreateDevice()
    {
        var option = new Option<string>("--device")
        {
            Description = "cpu, or cuda (torchsharp: over a CUDA libtorch named by GENPLAT_LIBTORCH, e.g. PyTorch's torch/lib; " +
                "onnx: ONNX Runtime's CUDA provider in the GPU build, -p:GenPlatAccelerator=cuda)", DefaultValueFactory = _ => "cpu",
        };
        option.AcceptOnlyFromAmong("cpu", "cuda");
        return option;
    }
}
