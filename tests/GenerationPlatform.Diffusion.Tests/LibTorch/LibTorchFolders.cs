using GenerationPlatform.Diffusion.LibTorch;

namespace GenerationPlatform.Diffusion.Tests.LibTorch;

/// <summary>The libraries these tests read: TorchSharp's glue and the packaged CPU libtorch the build copies beside it.</summary>
internal static class LibTorchFolders
{
    /// <summary>The build output's glue (the copy this process would load).</summary>
    public static string Glue => LibTorchRuntime.FindGlue() ?? throw new InvalidOperationException("the build output carries no libLibTorchSharp.so");

    /// <summary>The build's own libtorch folder: the packaged natives beside the glue.</summary>
    public static string Packaged => Path.GetDirectoryName(Glue)!;

    /// <summary>A new empty folder under the temp folder, deleted by the caller.</summary>
    public static string NewTemp()
    {
        var folder = Path.Combine(Path.GetTempPath(), "genplat-libtorch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
