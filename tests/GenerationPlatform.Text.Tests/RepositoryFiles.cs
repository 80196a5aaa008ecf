namespace GenerationPlatform.Text.Tests;

/// <summary>Files of the repository the tests run in.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding GenerationPlatform.sln above the test binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenerationPlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GenerationPlatform.sln above {AppContext.BaseDirectory}");
    }
}
