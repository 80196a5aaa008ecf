using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Diffusion.LibTorch;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Tools;
using static TorchSharp.torch;

namespace GenerationPlatform.Bench.Gpu;

/// <summary>
/// <c>genplat-bench parity</c>: the same model on the CPU and on the GPU (TorchSharp over a CUDA libtorch), compared in
/// strict float32 (TF32 off in cuBLAS and cuDNN): the largest velocity difference on random inputs, then with TF32 on
/// (the GPU's default for convolutions), and the largest pixel difference of images generated seed for seed. Exit 1 when
/// a target is missed.
/// </summary>
internal static class BenchParityCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("parity",
        "CPU against CUDA for one model: float32 velocities on random inputs (target 1e-3) and the pixels of a seeded generate (target 2/255)",
        BenchParitySettings.Options, (p, ct) => Task.FromResult(Run(BenchParitySettings.Parse(p), Console.Out, ct)));

    public static int Run(BenchParitySettings settings, TextWriter output, CancellationToken ct)
    {
        output.WriteLine(LibTorchRuntime.Load(null).Summary());
        using var cpu = CliModel.Open(settings.Model, device: "cpu");
        using var gpu = CliModel.Open(settings.Model, device: "cuda");
        output.WriteLine($"model {cpu.Name} ({cpu.Network.Backend}): cpu against {gpu.Network.Device}");
        bool cublas = backends.cuda.matmul.allow_tf32, cudnn = backends.cudnn.allow_tf32;
        try
        {
            backends.cuda.matmul.allow_tf32 = backends.cudnn.allow_tf32 = false;
            var (strict, scale) = VelocityDifference(cpu, gpu, settings);
            output.WriteLine($"velocities, {settings.Inputs} inputs, float32 (TF32 off): max |dv| {strict:E2} " +
                $"(max |v| {scale:F2}; target {BenchParitySettings.VelocityTarget:E0})");
            backends.cuda.matmul.allow_tf32 = backends.cudnn.allow_tf32 = true;
            var (loose, _) = VelocityDifference(cpu, gpu, settings);
            output.WriteLine($"velocities, the same inputs, TF32 on: max |dv| {loose:E2} (for reference)");
            backends.cuda.matmul.allow_tf32 = cublas;
            backends.cudnn.allow_tf32 = cudnn;
            int pixels = PixelDifference(cpu, gpu, settings, ct);
            output.WriteLine($"generate, {settings.Images} images seed for seed (cuDNN TF32 {(cudnn ? "on" : "off")}, as served): " +
                $"max pixel difference {pixels}/255 (target {BenchParitySettings.PixelTarget}/255)");
            bool met = strict <= BenchParitySettings.VelocityTarget && pixels <= BenchParitySettings.PixelTarget;
            output.WriteLine(met ? "parity: met" : "parity: NOT met");
            return met ? 0 : 1;
        }
        finally
        {
            backends.cuda.matmul.allow_tf32 = cublas;
            backends.cudnn.allow_tf32 = cudnn;
        }
    }

    private static (double MaxDifference, double MaxVelocity) VelocityDifference(CliModel cpu, CliModel gpu, BenchParitySettings settings)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var g = new Generator(settings.Seed);
        int n = settings.Inputs;
        var x = randn(cpu.Shape.Batch(n), generator: g);
        var t = rand(n, generator: g);
        var c = cpu.Conditioning.IsText ? randn(n, cpu.Conditioning.EmbeddingSize, generator: g)
            : randint(0, cpu.Conditioning.Classes + 1, [n], generator: g); // the last index is the unconditional one
        var a = cpu.Network.Forward(x, t, c);
        var b = gpu.Network.Forward(x, t, c);
        return ((a - b).abs().max().item<float>(), a.abs().max().item<float>());
    }

    private static int PixelDifference(CliModel cpu, CliModel gpu, BenchParitySettings settings, CancellationToken ct)
    {
        var model = cpu.Description;
        var (label, _, embedding) = cpu.Conditioning.IsText ? cpu.Condition(null, "a red dress") : (0, null, null);
        List<Trajectory> Sample(CliModel net)
        {
            var trajectories = Enumerable.Range(0, settings.Images).Select(i => new Trajectory(new TrajectorySpec(new NoiseSeed(settings.Seed, 0, (uint)i),
                label < 0 ? -1 : i % net.Conditioning.Classes, model.DefaultGuidance, CliParsing.Sampler(model.DefaultSampler), model.DefaultSteps,
                Embedding: embedding), net.Shape.Size)).ToList();
            new TrajectorySampler(net.Field).Run(trajectories, ct);
            return trajectories;
        }
        var (a, b) = (Sample(cpu), Sample(gpu));
        int worst = 0;
        for (int i = 0; i < a.Count; i++)
        {
            var (pa, pb) = (ImageGrid.ToPixels(cpu.Image(a[i].State)), ImageGrid.ToPixels(gpu.Image(b[i].State)));
            for (int k = 0; k < pa.Length; k++) worst = Math.Max(worst, Math.Abs(pa[k] - pb[k]));
        }
        return worst;
    }
}
