using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The front end depends on the contracts and the tensor-free science (request checks and search plans), not on the
/// grains: no TorchSharp, ONNX Runtime or SkiaSharp in what it references or what its project graph brings.
/// </summary>
public class ApiDependencyTests
{
    private static readonly string[] ForbiddenPackages = ["TorchSharp", "Microsoft.ML", "SkiaSharp", "SentenceTransformers"];

    private static readonly string[] ForbiddenProjects =
    [
        "GenerationPlatform.Grains", "GenerationPlatform.Serving", "GenerationPlatform.Diffusion", "GenerationPlatform.Verifiers",
        "GenerationPlatform.Text", "GenerationPlatform.Onnx", "GenerationPlatform.Evaluation",
    ];

    [Fact]
    public void TheApiAssemblyReferencesNoTensorLibraryTransitively()
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([typeof(GenerationApi).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is not { } name || !seen.Add(name)) continue;
                try { pending.Enqueue(Assembly.Load(reference)); }
                catch (FileNotFoundException) { } // a facade the runtime resolves elsewhere; its name is counted
            }
        }

        Assert.Contains("GenerationPlatform.Search", seen); // the walk reaches the science the edge plans with
        Assert.DoesNotContain(seen, n => ForbiddenPackages.Any(p => n.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || ForbiddenProjects.Contains(n));
    }

    [Fact]
    public void TheApiProjectGraphBringsNoTensorLibrary()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var projects = new SortedSet<string>(StringComparer.Ordinal);
        var packages = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([Path.Combine(src, "GenerationPlatform.Api", "GenerationPlatform.Api.csproj")]);
        while (pending.TryDequeue(out var project))
        {
            if (!projects.Add(Path.GetFileNameWithoutExtension(project))) continue;
            var xml = XDocument.Load(project);
            foreach (var item in xml.Descendants("PackageReference")) packages.Add((string)item.Attribute("Include")!);
            foreach (var item in xml.Descendants("ProjectReference"))
                pending.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, (string)item.Attribute("Include")!)));
        }

        Assert.Contains("GenerationPlatform.Search", projects);
        Assert.Empty(projects.Intersect(ForbiddenProjects));
        Assert.DoesNotContain(packages, p => ForbiddenPackages.Any(f => p.StartsWith(f, StringComparison.OrdinalIgnoreCase)));
    }

    private static string RepositoryRoot([CallerFilePath] string source = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(source)!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenerationPlatform.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no GenerationPlatform.sln above {source}");
    }
}
