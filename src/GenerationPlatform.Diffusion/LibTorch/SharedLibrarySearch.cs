namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>
/// Where the dynamic loader would find a library a library needs (ld.so(8)): a library already loaded under that name
/// (here: the libtorch folder's, which are preloaded), then the needing library's DT_RPATH when it has no DT_RUNPATH,
/// LD_LIBRARY_PATH, its DT_RUNPATH, the folders of /etc/ld.so.conf, and the default folders. <c>$ORIGIN</c> is the needing
/// library's folder.
/// </summary>
public sealed class SharedLibrarySearch
{
    private static readonly string[] DefaultFolders =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"];
    private readonly IReadOnlyDictionary<string, string> preloaded;
    private readonly IReadOnlyList<string> libraryPath, systemFolders;

    /// <param name="preloaded">Libraries loaded before any other, by the name they answer to.</param>
    /// <param name="libraryPath">LD_LIBRARY_PATH's folders.</param>
    /// <param name="systemFolders">The folders of /etc/ld.so.conf, then the defaults.</param>
    public SharedLibrarySearch(IReadOnlyDictionary<string, string> preloaded, IReadOnlyList<string> libraryPath, IReadOnlyList<string> systemFolders)
    {
        (this.preloaded, this.libraryPath, this.systemFolders) = (preloaded, libraryPath, systemFolders);
    }

    /// <summary>This process's search: LD_LIBRARY_PATH from the environment, /etc/ld.so.conf and its includes, the defaults.</summary>
    public static SharedLibrarySearch ForThisProcess(IReadOnlyDictionary<string, string> preloaded) => new(preloaded,
        (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries),
        [.. ConfiguredFolders("/etc/ld.so.conf", 0), .. DefaultFolders]);

    /// <summary>The file <paramref name="name"/> resolves to for <paramref name="neededBy"/>, or null when the loader would not find it.</summary>
    public string? Find(string name, ElfLibrary neededBy)
    {
        ArgumentNullException.ThrowIfNull(neededBy);
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        if (preloaded.TryGetValue(name, out var loaded)) return loaded;
        var origin = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(neededBy.Path)) ?? "/";
        IEnumerable<string> Expand(IEnumerable<string> folders) => folders.Select(f => f.Replace("${ORIGIN}", origin).Replace("$ORIGIN", origin));
        var order = (neededBy.RunPath.Count == 0 ? Expand(neededBy.RPath) : [])
            .Concat(libraryPath).Concat(Expand(neededBy.RunPath)).Concat(systemFolders);
        foreach (var folder in order)
        {
            var candidate = System.IO.Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static IEnumerable<string> ConfiguredFolders(string file, int depth)
    {
        if (depth > 4 || !File.Exists(file)) yield break;
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("include ", StringComparison.Ordinal))
            {
                var pattern = line["include ".Length..].Trim();
                var folder = System.IO.Path.GetDirectoryName(pattern) ?? "/";
                if (!Directory.Exists(folder)) continue;
                foreach (var included in Directory.EnumerateFiles(folder, System.IO.Path.GetFileName(pattern)).Order(StringComparer.Ordinal))
                    foreach (var f in ConfiguredFolders(included, depth + 1)) yield return f;
            }
            else yield return line;
        }
    }
}
