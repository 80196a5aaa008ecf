namespace GenerationPlatform.Api.Tests;

/// <summary>
/// A folder laid out as the kubelet lays out a Secret volume (its AtomicWriter): the data in a hidden timestamped folder,
/// a hidden link <c>..data</c> to it, and one link per key to <c>..data/key</c>. An update writes a new hidden folder and
/// swaps <c>..data</c> with a rename, so the visible links never change.
/// </summary>
internal sealed class SecretVolume : IDisposable
{
    private int version;

    public string Folder { get; } = Directory.CreateTempSubdirectory("genplat-secret-volume-").FullName;

    /// <summary>Replaces the whole Secret with <paramref name="data"/>, as an update of the Secret object does.</summary>
    public void Write(IReadOnlyDictionary<string, string> data)
    {
        var next = Path.Combine(Folder, $"..{DateTime.UtcNow:yyyy_MM_dd_HH_mm_ss}.{++version}");
        Directory.CreateDirectory(next);
        foreach (var (key, value) in data) File.WriteAllText(Path.Combine(next, key), value);
        var staged = Path.Combine(Folder, "..data_tmp");
        File.CreateSymbolicLink(staged, Path.GetFileName(next));
        Rename(staged, Path.Combine(Folder, "..data"));
        foreach (var key in data.Keys)
            if (!File.Exists(Path.Combine(Folder, key)) && new FileInfo(Path.Combine(Folder, key)).LinkTarget is null)
                File.CreateSymbolicLink(Path.Combine(Folder, key), Path.Combine("..data", key));
        // Keys the Secret no longer holds lose their link; older data folders go.
        foreach (var link in Directory.EnumerateFiles(Folder).Where(f => !Path.GetFileName(f).StartsWith('.') && !data.ContainsKey(Path.GetFileName(f))))
            File.Delete(link);
        foreach (var old in Directory.EnumerateDirectories(Folder, "..*").Where(d => d != next && new DirectoryInfo(d).LinkTarget is null))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>rename(2), which replaces a link atomically (File.Move follows a link to a folder and refuses it).</summary>
    private static void Rename(string from, string to)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", from, to])!;
        mv.WaitForExit();
        if (mv.ExitCode != 0) throw new IOException($"mv -T {from} {to}: exit code {mv.ExitCode}");
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
