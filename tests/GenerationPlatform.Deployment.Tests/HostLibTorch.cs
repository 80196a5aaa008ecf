using System.Text.RegularExpressions;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// A libtorch folder standing in for a GPU host's PyTorch torch/lib: the libraries of the CPU libtorch package this
/// repository restores (libtorch-cpu-linux-x64, in the NuGet cache) that TorchSharp's glue needs, followed through
/// `readelf -d`'s NEEDED entries, hard-linked where the file system allows (libtorch_cpu.so is 460 MB), else copied.
/// </summary>
public static partial class HostLibTorch
{
    private static readonly string[] Wanted = ["libc10.so", "libtorch_cpu.so", "libtorch.so", "libshm.so"];

    /// <summary>Fills <paramref name="folder"/> (created) and returns the names put there.</summary>
    public static IReadOnlyList<string> Assemble(string folder)
    {
        var package = PackageFolder();
        Directory.CreateDirectory(folder);
        var placed = new List<string>();
        var pending = new Queue<string>(Wanted);
        while (pending.TryDequeue(out var name))
        {
            if (placed.Contains(name) || !File.Exists(Path.Combine(package, name))) continue;
            Place(Path.Combine(package, name), Path.Combine(folder, name));
            placed.Add(name);
            foreach (var needed in Needed(Path.Combine(package, name))) pending.Enqueue(needed);
        }
        foreach (var name in Wanted) Assert.True(placed.Contains(name), $"{name} is not in {package}");
        return placed;
    }

    /// <summary>
    /// libtorch-cpu-linux-x64's native folder at the version TorchSharp-cpu (Directory.Packages.props) depends on, in the
    /// NuGet cache (NUGET_PACKAGES, else ~/.nuget/packages).
    /// </summary>
    private static string PackageFolder()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var torchSharp = TorchSharpVersion().Match(File.ReadAllText(Repository.PathOf("Directory.Packages.props")));
        Assert.True(torchSharp.Success, "Directory.Packages.props names no TorchSharp-cpu version");
        var nuspec = Path.Combine(cache, "torchsharp-cpu", torchSharp.Groups[1].Value, "torchsharp-cpu.nuspec");
        Assert.True(File.Exists(nuspec), $"{nuspec} is missing: restore the solution first");
        var libTorch = LibTorchDependency().Match(File.ReadAllText(nuspec));
        Assert.True(libTorch.Success, $"{nuspec} names no libtorch-cpu dependency");
        var folder = Path.Combine(cache, "libtorch-cpu-linux-x64", libTorch.Groups[1].Value, "runtimes", "linux-x64", "native");
        Assert.True(Directory.Exists(folder), $"{folder} is missing: restore the solution first");
        return folder;
    }

    private static IEnumerable<string> Needed(string library)
    {
        var (exitCode, printed) = GpuBundle.Run("readelf", ["-d", library], TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, $"readelf -d {library} (binutils) failed: {printed}");
        return NeededEntry().Matches(printed).Select(m => m.Groups[1].Value);
    }

    private static void Place(string source, string target)
    {
        if (GpuBundle.Run("ln", [source, target], TimeSpan.FromMinutes(1)).ExitCode != 0) File.Copy(source, target);
    }

    [GeneratedRegex(@"<PackageVersion Include=""TorchSharp-cpu"" Version=""([^""]+)""")]
    private static partial Regex TorchSharpVersion();

    [GeneratedRegex(@"<dependency id=""libtorch-cpu"" version=""([^""]+)""")]
    private static partial Regex LibTorchDependency();

    [GeneratedRegex(@"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")]
    private static partial Regex NeededEntry();
}
