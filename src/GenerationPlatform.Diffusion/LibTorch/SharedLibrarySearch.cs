namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>
/// Where the dynamic loader would find a library a library needs (ld.so(8)): a library already loaded under that name
/// (here: the libtorch folder's, which are preloaded), then the needing library's DT_RPATH when it has no DT_RUNPATH,
/// LD_LIBRARY_PATH, its DT_RUNPATH, the loader's cache (/etc/ld.so.cache, which ldconfig writes from /etc/ld.so.conf and
/// its own arguments), and the default folders. <c>$ORIGIN</c> is the needing library's folder.
/// </summary>
public sealed class SharedLibrarySearch
{
    private static readonly string[] DefaultFolders =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"];
    private readonly IReadOnlyDictionary<string, string> preloaded;
    private readonly IReadOnlyDictionary<string, string> cache;
    private readonly IReadOnlyList<string> libraryPath, systemFolders;

    /// <param name="preloaded">Libraries loaded before any other, by the name they answer to.</param>
    /// <param name="libraryPath">LD_LIBRARY_PATH's folders.</param>
    /// <param name="systemFolders">The default folders (with no cache, the folders of /etc/ld.so.conf before them).</param>
    /// <param name="cache">The loader's cache: library file name to path.</param>
    public SharedLibrarySearch(IReadOnlyDictionary<string, string> preloaded, IReadOnlyList<string> libraryPath, IReadOnlyList<string> systemFolders,
        IReadOnlyDictionary<string, string>? cache = null)
    {
        (this.preloaded, this.libraryPath, this.systemFolders) = (preloaded, libraryPath, systemFolders);
        this.cache = cache ?? new Dictionary<string, string>();
    }

    /// <summary>This process's search: LD_LIBRARY_PATH from the environment, the loader's cache (else /etc/ld.so.conf's folders), the defaults.</summary>
    public static SharedLibrarySearch ForThisProcess(IReadOnlyDictionary<string, string> preloaded)
    {
        var libraryPath = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var cache = ReadCache("/etc/ld.so.cache");
        return cache.Count > 0 ? new(preloaded, libraryPath, DefaultFolders, cache)
            : new(preloaded, libraryPath, [.. ConfiguredFolders("/etc/ld.so.conf", 0), .. DefaultFolders]);
    }

    /// <summary>
    /// The libraries an ld.so.cache names, file name to path (the first entry of a name, as the loader takes it): every path in
    /// its string table whose file exists. Empty when there is no cache.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadCache(string file)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(file)) return found;
        foreach (var text in System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(file)).Split('\0'))
        {
            if (!text.StartsWith('/') || !text.Contains(".so", StringComparison.Ordinal)) continue;
            var name = System.IO.Path.GetFileName(text);
            if (!found.ContainsKey(name) && File.Exists(text)) found[name] = text;
        }
        return found;
    }

    /// <summary>The file <paramref name="name"/> resolves to for <paramref name="neededBy"/>, or null when the loader would not find it.</summary>
    public string? Find(string name, ElfLibrary neededBy)
    {
        ArgumentNullException.ThrowIfNull(neededBy);
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        if (preloaded.TryGetValue(name, out var loaded)) return loaded;
        var origin = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(neededBy.Path)) ?? "/";
        IEnumerable<string> Expand(IEnumerable<string> folders) => folders.Select(f => f.Replace("${ORIGIN}", origin).Replace("$ORIGIN", origin));
        var before = (neededBy.RunPath.Count == 0 ? Expand(neededBy.RPath) : []).Concat(libraryPath).Concat(Expand(neededBy.RunPath));
        return First(before) ?? (cache.TryGetValue(name, out var cached) ? cached : null) ?? First(systemFolders);

        string? First(IEnumerable<string> folders) =>
            folders.Select(folder => System.IO.Path.Combine(folder, name)).FirstOrDefault(File.Exists);
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
