using System.Text;

namespace GenerationPlatform.Diffusion.LibTorch;

/// <summary>
/// What the dynamic loader reads of a little-endian ELF64 shared library, read from its section headers without mapping
/// the file: its SONAME, the libraries it needs (DT_NEEDED), its search paths (DT_RPATH, DT_RUNPATH), and the names in
/// its dynamic symbol table, defined or undefined. Only the sections asked for are read, so a 1 GB library costs its
/// dynamic symbol table, not its size.
/// </summary>
public sealed class ElfLibrary
{
    private const uint DynSym = 11, Dynamic = 6, Rela = 4, Rel = 9;
    private const long DtNeeded = 1, DtSoName = 14, DtRPath = 15, DtRunPath = 29;
    private readonly string path;
    private readonly (long Offset, long Size, uint Link)? dynsym;
    private readonly IReadOnlyList<(long Offset, long Size, int EntrySize)> relocations;
    private readonly long[] sectionOffsets, sectionSizes;

    private ElfLibrary(string path, string? soname, IReadOnlyList<string> needed, IReadOnlyList<string> rpath, IReadOnlyList<string> runpath,
        (long, long, uint)? dynsym, IReadOnlyList<(long, long, int)> relocations, long[] sectionOffsets, long[] sectionSizes)
    {
        this.path = path;
        (SoName, NeededLibraries, RPath, RunPath) = (soname, needed, rpath, runpath);
        (this.dynsym, this.relocations) = (dynsym, relocations);
        (this.sectionOffsets, this.sectionSizes) = (sectionOffsets, sectionSizes);
    }

    /// <summary>The file read.</summary>
    public string Path => path;

    /// <summary>DT_SONAME, the name a loaded library answers to; null when it has none.</summary>
    public string? SoName { get; }

    /// <summary>DT_NEEDED, in order.</summary>
    public IReadOnlyList<string> NeededLibraries { get; }

    /// <summary>DT_RPATH's folders, unexpanded (<c>$ORIGIN</c> as written).</summary>
    public IReadOnlyList<string> RPath { get; }

    /// <summary>DT_RUNPATH's folders, unexpanded.</summary>
    public IReadOnlyList<string> RunPath { get; }

    /// <summary>Reads the headers and the dynamic section; an <see cref="InvalidDataException"/> names what is not a 64-bit little-endian ELF file.</summary>
    public static ElfLibrary Read(string path)
    {
        using var file = File.OpenHandle(path);
        if (RandomAccess.GetLength(file) < 64) throw new InvalidDataException($"{path}: not an ELF file");
        var header = ReadAt(file, 0, 64);
        if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F')
            throw new InvalidDataException($"{path}: not an ELF file");
        if (header[4] != 2 || header[5] != 1) throw new InvalidDataException($"{path}: not a 64-bit little-endian ELF file");
        long shoff = BitConverter.ToInt64(header, 0x28);
        int shentsize = BitConverter.ToUInt16(header, 0x3A), shnum = BitConverter.ToUInt16(header, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shnum == 0) throw new InvalidDataException($"{path}: no section headers");
        var table = ReadAt(file, shoff, shentsize * shnum);
        var offsets = new long[shnum];
        var sizes = new long[shnum];
        var links = new uint[shnum];
        var types = new uint[shnum];
        for (int i = 0; i < shnum; i++)
        {
            int at = i * shentsize;
            types[i] = BitConverter.ToUInt32(table, at + 4);
            offsets[i] = BitConverter.ToInt64(table, at + 0x18);
            sizes[i] = BitConverter.ToInt64(table, at + 0x20);
            links[i] = BitConverter.ToUInt32(table, at + 0x28);
        }
        (long, long, uint)? symbols = null;
        int symbolSection = Array.IndexOf(types, DynSym);
        // Relocation sections against the dynamic symbol table: the symbols the loader must bind (Elf64_Rela 24 bytes, Elf64_Rel 16).
        var relocations = Enumerable.Range(0, shnum).Where(i => (types[i] == Rela || types[i] == Rel) && links[i] == symbolSection && symbolSection >= 0)
            .Select(i => (offsets[i], sizes[i], types[i] == Rela ? 24 : 16)).ToArray();
        string? soname = null;
        var needed = new List<string>();
        List<string> rpath = [], runpath = [];
        for (int i = 0; i < shnum; i++)
        {
            if (types[i] == DynSym) symbols = (offsets[i], sizes[i], links[i]);
            if (types[i] != Dynamic || links[i] >= shnum) continue;
            var entries = ReadAt(file, offsets[i], checked((int)sizes[i]));
            var strings = ReadAt(file, offsets[links[i]], checked((int)sizes[links[i]]));
            for (int e = 0; e + 16 <= entries.Length; e += 16)
            {
                long tag = BitConverter.ToInt64(entries, e);
                if (tag == 0) break;
                long value = BitConverter.ToInt64(entries, e + 8);
                switch (tag)
                {
                    case DtNeeded: needed.Add(CString(strings, value)); break;
                    case DtSoName: soname = CString(strings, value); break;
                    case DtRPath: rpath.AddRange(CString(strings, value).Split(':', StringSplitOptions.RemoveEmptyEntries)); break;
                    case DtRunPath: runpath.AddRange(CString(strings, value).Split(':', StringSplitOptions.RemoveEmptyEntries)); break;
                }
            }
        }
        return new ElfLibrary(path, soname, needed, rpath, runpath, symbols, relocations, offsets, sizes);
    }

    /// <summary>
    /// The names of the symbols this library leaves to others to define and the loader must bind: undefined, global binding
    /// (weak ones only when asked), and named by a relocation. A reference no relocation uses is not bound (GCC 13's
    /// <c>std::ios_base_library_init()</c> in TorchSharp's glue is one), so a library without it still loads.
    /// </summary>
    public IReadOnlyList<string> UndefinedSymbols(bool includeWeak = false)
    {
        var bound = BoundSymbolIndices();
        var names = new List<string>();
        Scan((index, name, defined, binding) =>
        {
            if (!defined && (binding == 1 || (includeWeak && binding == 2)) && bound.Contains(index)) names.Add(Encoding.ASCII.GetString(name));
        });
        return names;
    }

    private HashSet<int> BoundSymbolIndices()
    {
        var indices = new HashSet<int>();
        using var file = File.OpenHandle(path);
        foreach (var (offset, size, entry) in relocations)
        {
            var table = ReadAt(file, offset, checked((int)size));
            for (int at = 0; at + entry <= table.Length; at += entry) indices.Add((int)(BitConverter.ToUInt64(table, at + 8) >> 32));
        }
        return indices;
    }

    /// <summary>Removes from <paramref name="wanted"/> every name this library defines (global, weak or unique binding), and says how many it removed.</summary>
    public int RemoveDefined(HashSet<string> wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var lookup = wanted.GetAlternateLookup<ReadOnlySpan<char>>();
        char[] buffer = new char[256];
        int removed = 0;
        Scan((_, name, defined, binding) =>
        {
            if (!defined || binding is not (1 or 2 or 10) || wanted.Count == 0) return;
            if (buffer.Length < name.Length) buffer = new char[name.Length * 2];
            int n = Encoding.ASCII.GetChars(name, buffer);
            if (lookup.Remove(buffer.AsSpan(0, n))) removed++;
        });
        return removed;
    }

    private delegate void SymbolVisitor(int index, ReadOnlySpan<byte> name, bool defined, int binding);

    private void Scan(SymbolVisitor visit)
    {
        if (dynsym is not { } table || table.Link >= sectionOffsets.Length) return;
        using var file = File.OpenHandle(path);
        var symbols = ReadAt(file, table.Offset, checked((int)table.Size));
        var strings = ReadAt(file, sectionOffsets[table.Link], checked((int)sectionSizes[table.Link]));
        for (int at = 24; at + 24 <= symbols.Length; at += 24) // entry 0 is the null symbol
        {
            uint nameAt = BitConverter.ToUInt32(symbols, at);
            if (nameAt == 0 || nameAt >= strings.Length) continue;
            int end = Array.IndexOf(strings, (byte)0, (int)nameAt);
            if (end < 0) end = strings.Length;
            int binding = symbols[at + 4] >> 4;
            bool defined = BitConverter.ToUInt16(symbols, at + 6) != 0;
            visit(at / 24, strings.AsSpan((int)nameAt, end - (int)nameAt), defined, binding);
        }
    }

    private static byte[] ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, int count)
    {
        var buffer = new byte[count];
        int done = 0;
        while (done < count)
        {
            int n = RandomAccess.Read(file, buffer.AsSpan(done), offset + done);
            if (n == 0) throw new InvalidDataException($"ELF file ends before offset {offset + count}");
            done += n;
        }
        return buffer;
    }

    private static string CString(byte[] strings, long at)
    {
        if (at < 0 || at >= strings.Length) return "";
        int end = Array.IndexOf(strings, (byte)0, (int)at);
        return Encoding.ASCII.GetString(strings, (int)at, (end < 0 ? strings.Length : end) - (int)at);
    }
}
