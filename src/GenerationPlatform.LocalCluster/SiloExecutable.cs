namespace GenerationPlatform.LocalCluster;

/// <summary>
/// The silo executable (genplat-silo.dll, src/GenerationPlatform.Silo), as a local cluster starts it: <c>$GENPLAT_SILO_DLL</c>,
/// else next to this program (a program that references the Silo project has it in its output), else the Silo project's
/// build output for this program's configuration and framework, found above this program's folder (test projects that
/// build it without referencing it).
/// </summary>
public static class SiloExecutable
{
    public const string FileName = "genplat-silo.dll", Variable = "GENPLAT_SILO_DLL";

    /// <summary>The command line that starts a silo: <c>dotnet .../genplat-silo.dll</c>.</summary>
    public static IReadOnlyList<string> Command() => ["dotnet", Path()];

    public static string Path()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
            return File.Exists(configured) ? System.IO.Path.GetFullPath(configured) : throw new FileNotFoundException($"{Variable} is '{configured}', which does not exist");
        var beside = System.IO.Path.Combine(AppContext.BaseDirectory, FileName);
        if (File.Exists(beside)) return beside;
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        string framework = output.Name, configuration = output.Parent?.Name ?? "";
        for (var folder = output; folder is not null; folder = folder.Parent)
        {
            var candidate = System.IO.Path.Combine(folder.FullName, "src", "GenerationPlatform.Silo", "bin", configuration, framework, FileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{FileName} ({configuration}/{framework}) is neither next to this program nor found above {output.FullName}; " +
            $"build src/GenerationPlatform.Silo or set {Variable}");
    }
}
