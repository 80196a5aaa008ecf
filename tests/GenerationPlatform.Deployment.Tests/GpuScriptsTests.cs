using System.Diagnostics;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// The GPU host's scripts (infra/gpu) where there is no GPU and no libtorch headers: each parses, and build-libtorchsharp.sh
/// refuses, in one line naming what is missing, a folder that is not TorchSharp's source, another TorchSharp version, and a
/// libtorch without headers (TorchSharp's NuGet packages carry none), before it runs CMake.
/// </summary>
public sealed class GpuScriptsTests
{
    [Theory]
    [InlineData("infra/gpu/build-libtorchsharp.sh")]
    [InlineData("infra/gpu/device-check.sh")]
    public void TheScriptParses(string script)
    {
        var (code, _, stderr) = Bash("-n", Repository.PathOf(script));
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public void BuildLibTorchSharpRefusesWhatItCannotBuildFrom()
    {
        var root = Path.Combine(Path.GetTempPath(), "genplat-buildglue-" + Guid.NewGuid().ToString("N"));
        try
        {
            string source = Path.Combine(root, "TorchSharp"), torch = Path.Combine(root, "torch"), output = Path.Combine(root, "out");
            var script = Repository.PathOf("infra/gpu/build-libtorchsharp.sh");

            var usage = Bash(script, source);
            Assert.Equal(2, usage.Code);
            Assert.StartsWith("usage: infra/gpu/build-libtorchsharp.sh", usage.StdErr, StringComparison.Ordinal);

            var notSource = Bash(script, source, torch, output);
            Assert.Equal(2, notSource.Code);
            Assert.Contains("is not TorchSharp's source tree", notSource.StdErr, StringComparison.Ordinal);

            Directory.CreateDirectory(Path.Combine(source, "src", "Native", "LibTorchSharp"));
            Directory.CreateDirectory(Path.Combine(source, "build"));
            File.WriteAllText(Path.Combine(source, "src", "Native", "LibTorchSharp", "CMakeLists.txt"), "project(LibTorchSharp)\n");
            WriteVersion(source, 106);
            var otherVersion = Bash(script, source, torch, output);
            Assert.Equal(2, otherVersion.Code);
            Assert.Contains("is TorchSharp 0.106.0", otherVersion.StdErr, StringComparison.Ordinal);
            Assert.Contains("check out v0.107.0", otherVersion.StdErr, StringComparison.Ordinal);

            // The packaged CPU libtorch's folder layout (lib/ only): what TorchSharp's NuGet packages give, with no headers.
            WriteVersion(source, 107);
            Directory.CreateDirectory(Path.Combine(torch, "lib"));
            var noHeaders = Bash(script, source, torch, output);
            Assert.Equal(2, noHeaders.Code);
            Assert.Contains("lacks include/torch/csrc/api/include/torch/torch.h", noHeaders.StdErr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(output), "nothing is written before the inputs are checked");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    private static void WriteVersion(string source, int minor) => File.WriteAllText(Path.Combine(source, "build", "BranchInfo.props"),
        $"<Project>\n  <PropertyGroup>\n    <MajorVersion>0</MajorVersion>\n    <MinorVersion>{minor}</MinorVersion>\n    <PatchVersion>0</PatchVersion>\n" +
        "  </PropertyGroup>\n</Project>\n");

    private static (int Code, string StdOut, string StdErr) Bash(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the script did not finish in 60 s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
