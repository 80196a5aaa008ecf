namespace GenerationPlatform.Testing;

/// <summary>The checkout the tests run in: the folder holding GenerationPlatform.sln above the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>A file or folder of the checkout, by its path relative to the root.</summary>
    public static string Of(string relative) => System.IO.Path.Combine(Path, relative);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GenerationPlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GenerationPlatform.sln above {AppContext.BaseDirectory}");
    }
}
