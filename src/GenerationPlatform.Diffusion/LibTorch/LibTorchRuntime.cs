using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>
/// Chooses the libtorch under TorchSharp, once per process and before the first tensor: the build's own (the
/// libtorch-cpu package's natives beside TorchSharp's glue), or a folder the operator names (GenerationPlatform:Models:LibTorch or
/// <see cref="EnvironmentVariable"/>): PyTorch's <c>torch/lib</c>, whose libtorch_cuda.so runs TorchSharp on the GPU. A folder is
/// checked (every library and symbol the glue needs, <see cref="LibTorchSymbolCheck"/>) and its libraries are loaded by full path,
/// so that the glue, and TorchSharp's own loads by name, resolve to them by their SONAMEs. What was chosen is
/// <see cref="Current"/>, described by <see cref="LibTorchInfo.Summary"/>.
/// </summary>
public static partial class LibTorchRuntime
{
    /// <summary>The environment variable naming a libtorch folder when configuration does not.</summary>
    public const string EnvironmentVariable = "GENPLAT_LIBTORCH";

    /// <summary>TorchSharp's native glue, which imports libtorch's C++ symbols.</summary>
    public const string GlueFileName = "libLibTorchSharp.so";

    private static readonly Lock Gate = new();
    private static LibTorchInfo? current;

    /// <summary>What <see cref="Load"/> chose; null before it ran.</summary>
    public static LibTorchInfo? Current { get { lock (Gate) return current; } }

    /// <summary>The folder to use: <paramref name="configured"/> when set, else <see cref="EnvironmentVariable"/>, else null (the build's own).</summary>
    public static string? ConfiguredFolder(string? configured) =>
        !string.IsNullOrWhiteSpace(configured) ? configured.Trim()
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } variable ? variable.Trim() : null;

    /// <summary>
    /// Loads the libtorch of <see cref="ConfiguredFolder"/>(<paramref name="configured"/>), or checks that the build carries its own,
    /// and describes it. Idempotent for the same choice; another choice in the same process, a folder that fails its check or
    /// does not load, or a build without libtorch and no folder are a <see cref="LibTorchLoadException"/> that says what to do.
    /// </summary>
    public static LibTorchInfo Load(string? configured)
    {
        var folder = ConfiguredFolder(configured) is { } f ? Path.GetFullPath(f) : null;
        lock (Gate)
        {
            if (current is not null)
            {
                if (current.Folder == folder || (folder is not null && current.Folder is not null && SameFolder(current.Folder, folder))) return current;
                throw new LibTorchLoadException($"libtorch is already loaded in this process from {current.Source}; " +
                    $"it cannot change to {folder ?? "the build's own"} (one libtorch per process: restart with the setting changed)");
            }
            current = folder is null ? Packaged() : FromFolder(folder);
            return current;
        }
    }

    /// <summary>TorchSharp's glue as this application carries it (RID-specific publish: beside the app; build: under runtimes/), or null.</summary>
    public static string? FindGlue() => new[]
    {
        Path.Combine(AppContext.BaseDirectory, GlueFileName),
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", GlueFileName),
    }.FirstOrDefault(File.Exists);

    /// <summary>The version a libtorch folder declares: PyTorch's torch/version.py, or a libtorch archive's build-version; null when neither says.</summary>
    public static string? ReadVersion(string folder)
    {
        var python = Path.Combine(folder, "..", "version.py");
        if (File.Exists(python) && VersionLine().Match(File.ReadAllText(python)) is { Success: true } m) return m.Groups[1].Value;
        var archive = Path.Combine(folder, "..", "build-version");
        return File.Exists(archive) && File.ReadLines(archive).FirstOrDefault()?.Trim() is { Length: > 0 } v ? v : null;
    }

    /// <summary>Whether this build carries a libtorch of its own (false for a build published without it, as infra/gpu/bundle.sh does).</summary>
    public static bool BuildCarriesLibTorch() =>
        !OperatingSystem.IsLinux() || FindGlue() is not { } glue || File.Exists(Path.Combine(Path.GetDirectoryName(glue)!, "libtorch_cpu.so"));

    /// <summary>What to do when this build carries no libtorch and none was named.</summary>
    public static string NoLibTorchMessage => "this build carries no libtorch (it was published without it, as infra/gpu/bundle.sh does): set " +
        $"GenerationPlatform:Models:LibTorch or {EnvironmentVariable} to a libtorch folder, e.g. PyTorch's site-packages/torch/lib";

    private static LibTorchInfo Packaged()
    {
        if (!BuildCarriesLibTorch()) throw new LibTorchLoadException(NoLibTorchMessage);
        return Describe("the build's own", null, $"{TorchSharp.torch.__version__} (TorchSharp's libtorch package)", cudaBuild: false, check: null);
    }

    /// <summary>
    /// Everything about <paramref name="folder"/> that can be known without loading it: it is a libtorch folder, this build does not
    /// carry a libtorch of its own that TorchSharp would load beside it, and TorchSharp's glue resolves against it
    /// (<see cref="LibTorchSymbolCheck"/>). A <see cref="LibTorchLoadException"/> says what is wrong.
    /// </summary>
    public static LibTorchSymbolCheck Check(string folder)
    {
        folder = Path.GetFullPath(folder);
        string Named() => $"libtorch folder {folder} (GenerationPlatform:Models:LibTorch or {EnvironmentVariable})";
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new LibTorchLoadException($"{Named()}: a libtorch folder is supported on linux-x64 only");
        if (!Directory.Exists(folder)) throw new LibTorchLoadException($"{Named()}: no such folder");
        var absent = new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }.Where(n => !File.Exists(Path.Combine(folder, n))).ToArray();
        if (absent.Length > 0) throw new LibTorchLoadException($"{Named()}: not a libtorch folder, it lacks {string.Join(", ", absent)}");
        var glue = FindGlue() ?? throw new LibTorchLoadException($"{Named()}: this build carries no {GlueFileName} (TorchSharp's native glue)");
        var own = Path.GetDirectoryName(glue)!;
        if (File.Exists(Path.Combine(own, "libtorch_cpu.so")) && !SameFolder(own, folder))
            throw new LibTorchLoadException($"{Named()}: this build carries its own libtorch ({own}), which TorchSharp would load beside the " +
                "folder's; use a build without it (infra/gpu/bundle.sh publishes one), or unset the setting");
        LibTorchSymbolCheck check;
        try { check = LibTorchSymbolCheck.Run(glue, folder); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new LibTorchLoadException($"{Named()}: cannot read it: {e.Message}", e);
        }
        if (!check.Resolves) throw new LibTorchLoadException($"{Named()}: TorchSharp's glue does not resolve against it:{Environment.NewLine}{check.Describe()}");
        return check;
    }

    private static LibTorchInfo FromFolder(string folder)
    {
        var check = Check(folder);
        foreach (var name in LibTorchSymbolCheck.PreloadOrder)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path)) continue;
            try { NativeLibrary.Load(path); }
            catch (DllNotFoundException e)
            {
                throw new LibTorchLoadException($"libtorch folder {folder}: {name} does not load: {e.Message}", e);
            }
        }
        var version = ReadVersion(folder) ?? "of unknown version (no torch/version.py or build-version beside the folder)";
        return Describe(folder, folder, version, cudaBuild: File.Exists(Path.Combine(folder, "libtorch_cuda.so")), check);
    }

    private static LibTorchInfo Describe(string source, string? folder, string version, bool cudaBuild, LibTorchSymbolCheck? check)
    {
        bool available = false;
        int count = 0;
        if (cudaBuild)
        {
            available = TorchSharp.torch.cuda.is_available();
            count = available ? TorchSharp.torch.cuda.device_count() : 0;
        }
        var (driver, devices) = CudaDevices.Query();
        return new LibTorchInfo(source, folder, version, cudaBuild, available, count, driver, devices, check);
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    [GeneratedRegex(@"__version__\s*=\s*['""]([^'""]+)['""]")]
    private static partial Regex VersionLine();
}
