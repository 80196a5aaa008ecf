using GenerationPlatform.Testing;

namespace GenerationPlatform.Bench.Tests;

/// <summary>
/// The GPU check's commands where there is no GPU (this machine): libtorch describes the build's own libtorch and its symbol
/// check; a libtorch folder that is not one, and CUDA asked of a CPU libtorch, are one line and exit 2, before any work.
/// </summary>
public sealed class BenchGpuCommandTests
{
    private static readonly Dictionary<string, string?> NoFolder = new() { ["GENPLAT_LIBTORCH"] = null };

    [Fact]
    public void LibtorchDescribesTheBuildsOwnAndItsSymbolCheck()
    {
        var r = ProgramProcess.RunWith(null, NoFolder, "genplat-bench", "libtorch");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Matches(@"symbol check: libLibTorchSharp\.so against .*: \d{4} undefined symbols, \d+ libraries: all resolve", r.StdOut);
        Assert.Contains("libtorch 2.10", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("(the build's own), CPU build", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderThatIsNotLibtorchIsRefusedBeforeAnyCommandRuns()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"genplat-no-libtorch-{Guid.NewGuid():N}");
        var r = ProgramProcess.RunWith(null, new Dictionary<string, string?> { ["GENPLAT_LIBTORCH"] = missing }, "genplat-bench", "model", "--seconds", "0.1");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"genplat-bench: libtorch folder {missing} (GenerationPlatform:Models:LibTorch or GENPLAT_LIBTORCH): no such folder", r.StdErr.Trim());
        Assert.Empty(r.StdOut);
    }

    [Theory]
    [InlineData("model", "--device cuda: device 'cuda' was requested but CUDA is not available")]
    [InlineData("parity", "--model: ")]
    public void CudaOfACpuLibtorchIsOneLineNamingWhatToDo(string command, string start)
    {
        var args = command == "model" ? new[] { command, "--device", "cuda", "--seconds", "0.1", "--batches", "1" } : [command, "--inputs", "2", "--images", "1"];
        var r = ProgramProcess.RunWith(null, NoFolder, "genplat-bench", args);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("genplat-bench: " + start, line, StringComparison.Ordinal);
        Assert.Contains("GENPLAT_LIBTORCH", line, StringComparison.Ordinal);
    }
}
