namespace GenerationPlatform.Tools;

public static class AtomicFile
{
    /// <summary>Writes to a temporary file next to the target and renames it: a reader never sees half a file.</summary>
    public static void Write(string path, byte[] bytes)
    {
        var tmp = path + $".tmp-{Environment.ProcessId}";
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(tmp);
            throw new CliArgumentException($"cannot write '{path}': {e.Message}");
        }
    }
}
