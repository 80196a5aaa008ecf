using GenerationPlatform.Diffusion.LibTorch;

namespace GenerationPlatform.Diffusion.Tests.LibTorch;

public sealed class LibTorchSymbolCheckTests
{
    [Fact]
    public void TheGlueResolvesAgainstThePackagedLibtorchItWasBuiltFor()
    {
        var check = LibTorchSymbolCheck.Run(LibTorchFolders.Glue, LibTorchFolders.Packaged);
        Assert.True(check.Resolves, check.Describe());
        Assert.InRange(check.Symbols, 1000, 5000);
        Assert.Contains(check.Libraries, l => l.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
        Assert.Contains(check.Libraries, l => l.EndsWith("/libstdc++.so.6", StringComparison.Ordinal));
        Assert.EndsWith("all resolve", check.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherLibtorchsMissingSymbolsAreNamedBeforeAnythingLoads()
    {
        // A libtorch folder whose libtorch_cpu.so is another library (libshm.so: a real libtorch ELF file without the operators):
        // what a glue built against another libtorch version meets. The glue is copied in, so $ORIGIN finds nothing else.
        var folder = LibTorchFolders.NewTemp();
        try
        {
            File.Copy(LibTorchFolders.Glue, Path.Combine(folder, LibTorchRuntime.GlueFileName));
            foreach (var name in new[] { "libc10.so", "libtorch.so" }) File.Copy(Path.Combine(LibTorchFolders.Packaged, name), Path.Combine(folder, name));
            File.Copy(Path.Combine(LibTorchFolders.Packaged, "libshm.so"), Path.Combine(folder, "libtorch_cpu.so"));
            var check = LibTorchSymbolCheck.Run(Path.Combine(folder, LibTorchRuntime.GlueFileName), folder);
            Assert.False(check.Resolves);
            Assert.Contains(check.MissingSymbols, s => s.StartsWith("_ZN2at", StringComparison.Ordinal));
            Assert.DoesNotContain("malloc", check.MissingSymbols); // the C library is the system's, found
            var text = check.Describe(5);
            Assert.Contains(check.MissingSymbols[0], text, StringComparison.Ordinal);
            Assert.Contains($"and {check.MissingSymbols.Count - 5} more", text, StringComparison.Ordinal);
            Assert.Contains("build-libtorchsharp.sh", text, StringComparison.Ordinal);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ALibraryTheLoaderWouldNotFindIsNamedWithWhoNeedsIt()
    {
        var folder = LibTorchFolders.NewTemp();
        try
        {
            File.Copy(LibTorchFolders.Glue, Path.Combine(folder, LibTorchRuntime.GlueFileName));
            File.Copy(Path.Combine(LibTorchFolders.Packaged, "libtorch.so"), Path.Combine(folder, "libtorch.so"));
            var check = LibTorchSymbolCheck.Run(Path.Combine(folder, LibTorchRuntime.GlueFileName), folder);
            Assert.False(check.Resolves);
            Assert.Contains($"libc10.so (needed by {LibTorchRuntime.GlueFileName})", check.MissingLibraries);
            Assert.Contains("libraries not found", check.Describe(), StringComparison.Ordinal);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void TheLoadersCacheNamesTheSystemsLibraries()
    {
        // Debian's /etc/ld.so.cache (ldconfig's): the C library is in it, at a path that exists.
        var cache = SharedLibrarySearch.ReadCache("/etc/ld.so.cache");
        Assert.True(cache.TryGetValue("libc.so.6", out var libc), string.Join(", ", cache.Keys.Take(20)));
        Assert.True(File.Exists(libc));
        Assert.Empty(SharedLibrarySearch.ReadCache(Path.Combine(Path.GetTempPath(), $"no-such-cache-{Guid.NewGuid():N}")));
    }

    [Fact]
    public void TheSearchFollowsTheLoadersOrder()
    {
        var folder = LibTorchFolders.NewTemp();
        try
        {
            string first = Path.Combine(folder, "a"), second = Path.Combine(folder, "b");
            Directory.CreateDirectory(first);
            Directory.CreateDirectory(second);
            foreach (var f in new[] { first, second }) File.Copy(Path.Combine(LibTorchFolders.Packaged, "libc10.so"), Path.Combine(f, "libc10.so"));
            var glue = ElfLibrary.Read(LibTorchFolders.Glue); // RUNPATH $ORIGIN/: the packaged folder
            Assert.Equal(Path.Combine(first, "libc10.so"), new SharedLibrarySearch(new Dictionary<string, string>(), [first, second], []).Find("libc10.so", glue));
            // The preloaded library wins over LD_LIBRARY_PATH; RUNPATH comes after LD_LIBRARY_PATH.
            Assert.Equal("/x/libc10.so", new SharedLibrarySearch(new Dictionary<string, string> { ["libc10.so"] = "/x/libc10.so" }, [first], []).Find("libc10.so", glue));
            Assert.Equal(Path.Combine(LibTorchFolders.Packaged, "libc10.so"),
                Path.GetFullPath(new SharedLibrarySearch(new Dictionary<string, string>(), [], []).Find("libc10.so", glue)!));
            Assert.Null(new SharedLibrarySearch(new Dictionary<string, string>(), [], []).Find("libnothing.so", glue));
            // The loader's cache comes after RUNPATH and LD_LIBRARY_PATH, before the default folders.
            var cache = new Dictionary<string, string> { ["libc10.so"] = "/cached/libc10.so", ["libonly-cached.so"] = "/cached/libonly-cached.so" };
            Assert.Equal("/cached/libonly-cached.so", new SharedLibrarySearch(new Dictionary<string, string>(), [], [second], cache).Find("libonly-cached.so", glue));
            Assert.Equal(Path.Combine(first, "libc10.so"), new SharedLibrarySearch(new Dictionary<string, string>(), [first], [], cache).Find("libc10.so", glue));
        }
        finally { Directory.Delete(folder, true); }
    }
}
