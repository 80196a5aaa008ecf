namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>
/// Whether TorchSharp's native glue (libLibTorchSharp.so) would load over a libtorch folder: every library it needs,
/// transitively, found as the dynamic loader would find it (the folder's libraries preloaded), and every symbol it leaves
/// undefined (global binding) defined by one of them. Read from the files, before anything is loaded, so that a mismatch is a
/// start-up error that names what is missing, not a crash at the first tensor.
/// </summary>
public sealed record LibTorchSymbolCheck(string Glue, string Folder, int Symbols, IReadOnlyList<string> Libraries,
    IReadOnlyList<string> MissingSymbols, IReadOnlyList<string> MissingLibraries)
{
    /// <summary>The libraries of a libtorch folder that are loaded first, in this order, when present.</summary>
    public static IReadOnlyList<string> PreloadOrder { get; } = ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];

    /// <summary>Every library found and every symbol defined.</summary>
    public bool Resolves => MissingSymbols.Count == 0 && MissingLibraries.Count == 0;

    /// <summary>Checks <paramref name="glue"/> against <paramref name="folder"/> with this process's library search.</summary>
    public static LibTorchSymbolCheck Run(string glue, string folder)
    {
        var preloaded = PreloadOrder.Select(n => Path.Combine(folder, n)).Where(File.Exists)
            .Select(p => (Name: ElfLibrary.Read(p).SoName ?? Path.GetFileName(p), Path: p))
            .DistinctBy(p => p.Name).ToDictionary(p => p.Name, p => p.Path, StringComparer.Ordinal);
        return Run(glue, folder, SharedLibrarySearch.ForThisProcess(preloaded));
    }

    /// <summary>Checks <paramref name="glue"/> with <paramref name="search"/>.</summary>
    public static LibTorchSymbolCheck Run(string glue, string folder, SharedLibrarySearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var root = ElfLibrary.Read(glue);
        var closure = new List<ElfLibrary>();
        var missingLibraries = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.SoName ?? Path.GetFileName(glue) };
        var files = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<ElfLibrary>([root]);
        while (queue.TryDequeue(out var library))
        {
            foreach (var name in library.NeededLibraries)
            {
                if (!seen.Add(name)) continue;
                var path = search.Find(name, library);
                if (path is null) { missingLibraries.Add($"{name} (needed by {Path.GetFileName(library.Path)})"); continue; }
                if (!files.Add(Path.GetFullPath(path))) continue;
                var found = ElfLibrary.Read(path);
                closure.Add(found);
                queue.Enqueue(found);
            }
        }
        var undefined = root.UndefinedSymbols();
        var wanted = new HashSet<string>(undefined, StringComparer.Ordinal);
        foreach (var library in closure)
        {
            if (wanted.Count == 0) break;
            library.RemoveDefined(wanted);
        }
        return new LibTorchSymbolCheck(glue, folder, undefined.Count, closure.Select(l => l.Path).ToArray(),
            wanted.Order(StringComparer.Ordinal).ToArray(), missingLibraries);
    }

    /// <summary>One paragraph: what was checked, and what is missing (the first <paramref name="shown"/> symbols by name, mangled as the files have them).</summary>
    public string Describe(int shown = 20)
    {
        var lines = new List<string>
        {
            $"{Path.GetFileName(Glue)} against {Folder}: {Symbols} undefined symbols, {Libraries.Count} libraries",
        };
        if (Resolves) { lines[0] += ": all resolve"; return lines[0]; }
        if (MissingLibraries.Count > 0) lines.Add($"libraries not found ({MissingLibraries.Count}): {string.Join(", ", MissingLibraries)}");
        if (MissingSymbols.Count > 0)
        {
            lines.Add($"symbols no library defines ({MissingSymbols.Count} of {Symbols}; TorchSharp's glue was built against another libtorch " +
                $"version: build it against this one with infra/gpu/build-libtorchsharp.sh):");
            lines.AddRange(MissingSymbols.Take(shown).Select(s => "  " + s));
            if (MissingSymbols.Count > shown) lines.Add($"  ... and {MissingSymbols.Count - shown} more");
        }
        return string.Join(Environment.NewLine, lines);
    }
}
