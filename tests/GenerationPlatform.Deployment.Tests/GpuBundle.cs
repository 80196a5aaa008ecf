using System.Diagnostics;
using System.Text;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// The default GPU bundle, built once by infra/gpu/bundle.sh into a temporary folder with a build folder of its own (a
/// clean publish of the three apps, then xz: about 4 minutes on two cores) and unpacked by the unpack.sh it ships into an
/// empty folder, as on a GPU host. Everything lies under <see cref="Root"/>, which disposing removes.
/// </summary>
public sealed class GpuBundle : IDisposable
{
    private readonly Lock libTorchGate = new();

    public GpuBundle()
    {
        Root = Directory.CreateTempSubdirectory("genplat-gpu-bundle-").FullName;
        Parts = Path.Combine(Root, "bundle");
        Unpacked = Path.Combine(Root, "unpacked");
        try
        {
            // At the lowest priority (nice 19): the publish and xz -9 take both cores for minutes, and the slow tier runs other
            // assemblies' tests beside this one (a coldstart benchmark ran out of its 3 minutes beside it at normal priority).
            var built = Run("nice", ["-n", "19", "bash", Repository.PathOf("infra/gpu/bundle.sh"), Parts], TimeSpan.FromMinutes(30),
                new Dictionary<string, string> { ["GENPLAT_BUNDLE_BUILD"] = Path.Combine(Root, "build") });
            BuildOutput = built.Output;
            if (built.ExitCode != 0) throw new InvalidOperationException($"bundle.sh failed (exit {built.ExitCode}):\n{built.Output}");
            Directory.CreateDirectory(Unpacked);
            var unpacked = Run("sh", [Path.Combine(Parts, "unpack.sh"), Parts, Unpacked], TimeSpan.FromMinutes(5));
            UnpackOutput = unpacked.Output;
            if (unpacked.ExitCode != 0) throw new InvalidOperationException($"unpack.sh failed (exit {unpacked.ExitCode}):\n{unpacked.Output}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary folder everything lies in.</summary>
    public string Root { get; }

    /// <summary>bundle.sh's OUT: the parts, the manifest and unpack.sh.</summary>
    public string Parts { get; }

    /// <summary>unpack.sh's DEST.</summary>
    public string Unpacked { get; }

    /// <summary>What bundle.sh printed (stdout and stderr).</summary>
    public string BuildOutput { get; } = "";

    /// <summary>What unpack.sh printed.</summary>
    public string UnpackOutput { get; } = "";

    /// <summary>A libtorch folder as a GPU host's torch/lib stands (<see cref="HostLibTorch"/>), assembled on first use.</summary>
    public string LibTorch
    {
        get
        {
            lock (libTorchGate)
            {
                var folder = Path.Combine(Root, "torch-lib");
                if (!Directory.Exists(folder)) HostLibTorch.Assemble(folder);
                return folder;
            }
        }
    }

    /// <summary>
    /// Runs an app of the unpacked bundle as on a GPU host: `env -i`, so no .NET, no HOME and no PATH, with GENPLAT_LIBTORCH
    /// set to <see cref="LibTorch"/> and NUGET_PACKAGES to an empty folder (TorchSharp, not finding libtorch, would otherwise
    /// copy one out of the NuGet cache it finds, even without HOME).
    /// </summary>
    public (int ExitCode, string Output) RunApp(string program, params string[] arguments)
    {
        var noPackages = Directory.CreateDirectory(Path.Combine(Root, "no-nuget-packages")).FullName;
        return Run("env", ["-i", $"GENPLAT_LIBTORCH={LibTorch}", $"NUGET_PACKAGES={noPackages}", Path.Combine(Unpacked, program), .. arguments],
            TimeSpan.FromMinutes(5), workingDirectory: Root);
    }

    /// <summary>
    /// Runs a program to its end and returns its exit code with stdout and stderr together. <paramref name="environment"/> is
    /// added to this process's environment.
    /// </summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) return (-1, $"{program} {string.Join(' ', arguments)}: did not finish in {timeout}\n{output}");
        }
        process.WaitForExit(); // the output's last lines
        lock (output) return (process.ExitCode, output.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { } // a process killed on a timeout may still hold a file for a moment
    }
}
