using GenerationPlatform.Diffusion.LibTorch;

namespace GenerationPlatform.Diffusion.Tests.LibTorch;

public sealed class LibTorchRuntimeTests
{
    [Fact]
    public void ReadsTheVersionPyTorchOrALibtorchArchiveDeclares()
    {
        var folder = LibTorchFolders.NewTemp();
        try
        {
            var lib = Path.Combine(folder, "torch", "lib");
            Directory.CreateDirectory(lib);
            Assert.Null(LibTorchRuntime.ReadVersion(lib));
            File.WriteAllText(Path.Combine(folder, "torch", "build-version"), "2.10.0+cpu\n");
            Assert.Equal("2.10.0+cpu", LibTorchRuntime.ReadVersion(lib));
            // PyTorch's torch/version.py (the wheel's), preferred.
            File.WriteAllText(Path.Combine(folder, "torch", "version.py"),
                "from typing import Optional\n__all__ = ['__version__']\n__version__ = '2.11.0+cu130'\ndebug = False\ncuda: Optional[str] = '13.0'\n");
            Assert.Equal("2.11.0+cu130", LibTorchRuntime.ReadVersion(lib));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ConfigurationComesBeforeTheEnvironmentVariable()
    {
        Assert.Equal("/opt/torch/lib", LibTorchRuntime.ConfiguredFolder(" /opt/torch/lib "));
        var variable = Environment.GetEnvironmentVariable(LibTorchRuntime.EnvironmentVariable);
        Assert.Equal(string.IsNullOrEmpty(variable) ? null : variable.Trim(), LibTorchRuntime.ConfiguredFolder(null));
    }

    [Fact]
    public void AFolderThatIsNotLibtorchIsRefusedNamingWhatItLacks()
    {
        var folder = LibTorchFolders.NewTemp();
        try
        {
            var missing = Assert.Throws<LibTorchLoadException>(() => LibTorchRuntime.Check(Path.Combine(folder, "nope")));
            Assert.Contains("no such folder", missing.Message, StringComparison.Ordinal);
            Assert.Contains(LibTorchRuntime.EnvironmentVariable, missing.Message, StringComparison.Ordinal);
            File.Copy(Path.Combine(LibTorchFolders.Packaged, "libc10.so"), Path.Combine(folder, "libc10.so"));
            var partial = Assert.Throws<LibTorchLoadException>(() => LibTorchRuntime.Check(folder));
            Assert.Contains("not a libtorch folder, it lacks libtorch_cpu.so, libtorch.so", partial.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ABuildThatCarriesItsOwnLibtorchRefusesAnotherBesideIt()
    {
        // This test build carries the packaged CPU libtorch; TorchSharp would load it by name beside a configured folder's.
        var folder = LibTorchFolders.NewTemp();
        try
        {
            foreach (var name in new[] { "libc10.so", "libtorch.so", "libshm.so" }) File.Copy(Path.Combine(LibTorchFolders.Packaged, name), Path.Combine(folder, name));
            File.Move(Path.Combine(folder, "libshm.so"), Path.Combine(folder, "libtorch_cpu.so"));
            var e = Assert.Throws<LibTorchLoadException>(() => LibTorchRuntime.Check(folder));
            Assert.Contains("carries its own libtorch", e.Message, StringComparison.Ordinal);
            Assert.Contains("infra/gpu/bundle.sh", e.Message, StringComparison.Ordinal);
            // Its own folder named as the folder is the build's own libtorch: it passes.
            Assert.True(LibTorchRuntime.Check(LibTorchFolders.Packaged).Resolves);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void TheBuildsOwnLibtorchIsDescribedAndKept()
    {
        var info = LibTorchRuntime.Load(null);
        Assert.Same(info, LibTorchRuntime.Load(null));
        Assert.Equal("the build's own", info.Source);
        Assert.StartsWith("2.10", info.Version, StringComparison.Ordinal);
        Assert.False(info.CudaBuild);
        Assert.Contains("libtorch 2.10", info.Summary(), StringComparison.Ordinal);
        var other = Assert.Throws<LibTorchLoadException>(() => LibTorchRuntime.Load("/opt/elsewhere/torch/lib"));
        Assert.Contains("already loaded", other.Message, StringComparison.Ordinal);
    }
}
