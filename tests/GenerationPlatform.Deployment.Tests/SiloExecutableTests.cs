using System.Text.Json;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// What the silo images ship: the silo executable's runtime closure, read from its built genplat-silo.deps.json (the list
/// of libraries and assemblies publish copies into the image), holds the host and none of the tools' code.
/// </summary>
public sealed class SiloExecutableTests
{
    /// <summary>Libraries of the command-line programs, the trainers and plots of Evaluation (ScottPlot), and the load testers.</summary>
    private static readonly string[] ForbiddenLibraries =
    [
        "genplat", "genplat-research", "genplat-bench", "GenerationPlatform.Tools", "GenerationPlatform.Evaluation",
        "GenerationPlatform.LocalCluster", "GenerationPlatform.Client", "System.CommandLine",
    ];

    [Fact]
    public void TheSiloExecutablesRuntimeClosureHoldsTheHostAndNoTrainerPlottingOrLoadTestAssembly()
    {
        var (libraries, assemblies) = Closure(DepsFile());

        // What a silo runs is there: a list read wrongly would pass the checks below with nothing in it.
        foreach (var needed in new[] { "genplat-silo", "GenerationPlatform.Grains", "GenerationPlatform.Api", "GenerationPlatform.Serving", "Microsoft.Orleans.Server" })
            Assert.Contains(needed, libraries);
        Assert.Contains("genplat-silo", assemblies);
        Assert.Contains("GenerationPlatform.Verifiers", assemblies);

        foreach (var forbidden in ForbiddenLibraries)
        {
            Assert.DoesNotContain(forbidden, libraries);
            Assert.DoesNotContain(forbidden, assemblies);
        }
        Assert.DoesNotContain(libraries, l => l.StartsWith("ScottPlot", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(assemblies, a => a.StartsWith("ScottPlot", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The Silo project's genplat-silo.deps.json for this test build's configuration and framework (the project reference
    /// builds it first).
    /// </summary>
    private static string DepsFile()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name, configuration = output.Parent!.Name;
        var path = Repository.PathOf(Path.Combine("src", "GenerationPlatform.Silo", "bin", configuration, framework, "genplat-silo.deps.json"));
        Assert.True(File.Exists(path), $"{path} is missing: build src/GenerationPlatform.Silo");
        return path;
    }

    /// <summary>Every library's name (without its version) and every runtime assembly's name (without .dll) of the deps file.</summary>
    private static (HashSet<string> Libraries, HashSet<string> Assemblies) Closure(string depsFile)
    {
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var assemblies = deps.RootElement.GetProperty("targets").EnumerateObject()
            .SelectMany(target => target.Value.EnumerateObject())
            .SelectMany(library => library.Value.TryGetProperty("runtime", out var runtime) ? runtime.EnumerateObject().Select(a => a.Name) : [])
            .Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return (libraries, assemblies);
    }
}
