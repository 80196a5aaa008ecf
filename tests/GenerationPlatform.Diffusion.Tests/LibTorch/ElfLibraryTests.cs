using GenerationPlatform.Diffusion.LibTorch;

namespace GenerationPlatform.Diffusion.Tests.LibTorch;

public sealed class ElfLibraryTests
{
    [Fact]
    public void ReadsTheGluesDynamicSectionAsReadelfShowsIt()
    {
        var glue = ElfLibrary.Read(LibTorchFolders.Glue);
        // readelf -d on TorchSharp 0.107's libLibTorchSharp.so: these NEEDED entries, in this order, and a $ORIGIN RUNPATH.
        Assert.Equal(["libtorch.so", "libc10.so", "libtorch_cpu.so", "libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6", "ld-linux-x86-64.so.2"],
            glue.NeededLibraries);
        Assert.Equal("$ORIGIN/", glue.RunPath[0]);
        Assert.Empty(glue.RPath);
        Assert.Equal("libc10.so", ElfLibrary.Read(Path.Combine(LibTorchFolders.Packaged, "libc10.so")).SoName);
    }

    [Fact]
    public void ListsTheGluesUndefinedSymbolsWithLibtorchsAmongThem()
    {
        var undefined = ElfLibrary.Read(LibTorchFolders.Glue).UndefinedSymbols();
        // About 1 050 libtorch C++ symbols and the C and C++ runtime's: nm -D --undefined-only counts 1 600 or so of global binding.
        Assert.InRange(undefined.Count, 1000, 5000);
        Assert.Contains(undefined, s => s.StartsWith("_ZN2at", StringComparison.Ordinal));
        Assert.Contains(undefined, s => s.StartsWith("_ZN3c10", StringComparison.Ordinal));
        Assert.Contains("malloc", undefined);
        Assert.Equal(undefined.Count, undefined.Distinct().Count());
        // GCC 13's std::ios_base_library_init() is referenced but no relocation binds it (the GLIBCXX_3.4.32 the build marks weak).
        Assert.DoesNotContain("_ZSt21ios_base_library_initv", undefined);
    }

    [Fact]
    public void RemovesOnlyWhatALibraryDefines()
    {
        var c10 = ElfLibrary.Read(Path.Combine(LibTorchFolders.Packaged, "libc10.so"));
        var wanted = new HashSet<string>(StringComparer.Ordinal) { "no_such_symbol_anywhere", "malloc" };
        wanted.UnionWith(ElfLibrary.Read(LibTorchFolders.Glue).UndefinedSymbols().Where(s => s.StartsWith("_ZN3c10", StringComparison.Ordinal)));
        int before = wanted.Count;
        int removed = c10.RemoveDefined(wanted);
        Assert.True(removed > 0);
        Assert.Equal(before - removed, wanted.Count);
        Assert.Contains("no_such_symbol_anywhere", wanted);
        Assert.Contains("malloc", wanted); // libc10 uses malloc, it does not define it
    }

    [Fact]
    public void RefusesWhatIsNotAnElfFileNamingIt()
    {
        var folder = LibTorchFolders.NewTemp();
        try
        {
            var path = Path.Combine(folder, "libtorch.so");
            File.WriteAllText(path, "INPUT(-ltorch_cpu)\n"); // a linker script, as some distributions ship under .so names
            var e = Assert.Throws<InvalidDataException>(() => ElfLibrary.Read(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(folder, true); }
    }
}
