using System.Text.Json;

namespace GenerationPlatform.Serving;

/// <summary>
/// Measured batch caps kept in a folder, one small JSON file per model and machine (<see cref="BatchCapKey"/>), so that a restarted silo does not
/// measure again. A file is read only when it is small, parses, names the same model and machine and holds a cap in range; anything else is
/// treated as absent; a cap measured on other model files is only the last known one (and overwritten by the next measurement).
/// </summary>
public sealed class RememberedBatchCaps(string folder)
{
    /// <summary>The largest file read: a remembered cap with its curve is a few hundred bytes.</summary>
    public const int MaxFileBytes = 16 * 1024;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public string Folder { get; } = folder;

    /// <summary>
    /// The cap remembered for <paramref name="key"/>'s model and machine if its file is valid and the cap at most
    /// <paramref name="maxCap"/>: current when measured on the same model files, else only the last known cap; null and why otherwise.
    /// </summary>
    public RememberedCap? Read(BatchCapKey key, int maxCap, out string? problem)
    {
        var path = Path.Combine(Folder, key.FileName);
        problem = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            if (info.Length > MaxFileBytes) problem = $"{path}: {info.Length} bytes, more than {MaxFileBytes}";
            else if (JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(path), Json) is not { } entry || entry.Model != key.Model || entry.Machine != key.Machine)
                problem = $"{path}: for another model or machine";
            else if (entry.Cap < 1 || entry.Cap > maxCap) problem = $"{path}: cap {entry.Cap} outside 1..{maxCap}";
            else return new RememberedCap(entry.Cap, entry.ModelDigest == key.ModelDigest, entry.MeasuredAt);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"{path}: {e.Message}";
        }
        return null;
    }

    /// <summary>Remembers <paramref name="choice"/>'s cap for <paramref name="key"/> (written whole, then moved into place).</summary>
    public void Write(BatchCapKey key, BatchCapChoice choice, DateTimeOffset measuredAt)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, key.FileName);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var entry = new Entry(key.Model, key.ModelDigest, key.Machine, choice.Cap, measuredAt, [.. choice.Medians.Select(p => new[] { p.Batch, p.RowsPerSecond })]);
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(entry, Json));
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Entry(string Model, string ModelDigest, string Machine, int Cap, DateTimeOffset MeasuredAt, double[][] Curve);
}
