using GenerationPlatform.Diffusion.LibTorch;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.Gpu;

/// <summary>
/// <c>genplat-bench libtorch</c>: the libtorch this process runs on (GENPLAT_LIBTORCH or the build's own), the symbol check of
/// TorchSharp's glue against it, whether CUDA is available, and the GPUs the driver sees. Exit 2 when the folder fails its check.
/// </summary>
internal static class BenchLibTorchCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("libtorch",
        $"the libtorch in use ({LibTorchRuntime.EnvironmentVariable} or the build's own): its symbol check, version, CUDA and GPUs", [], (_, _) =>
        {
            var info = LibTorchRuntime.Load(null);
            var check = info.Check ?? (info.Folder is null && LibTorchRuntime.FindGlue() is { } glue
                ? LibTorchSymbolCheck.Run(glue, Path.GetDirectoryName(glue)!) : null);
            if (check is not null) Console.WriteLine($"symbol check: {check.Describe()}");
            Console.WriteLine(info.Summary());
            Console.WriteLine($"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, built for libtorch {TorchSharp.torch.__version__}");
            if (info.CudaAvailable)
            {
                using var x = TorchSharp.torch.ones(2, 2, device: TorchSharp.torch.CUDA);
                Console.WriteLine($"a tensor on the GPU: {x.device}, sum {x.sum().cpu().item<float>()}");
            }
            return Task.FromResult(0);
        });
}
