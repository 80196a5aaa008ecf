using System.Text;

namespace GenerationPlatform.Storage;

/// <summary>
/// A folder's <c>SHA256SUMS</c>, as <c>sha256sum</c> writes it (<c>cd folder &amp;&amp; sha256sum * sub/* &gt; SHA256SUMS</c>): one line a
/// file, 64 hex digits, a space, a space or <c>*</c>, the file's path relative to the folder with <c>/</c>. When a downloaded
/// folder has one, every other file must be listed with its digest and every listed file must be there.
/// </summary>
public static class Sha256Sums
{
    public const string FileName = "SHA256SUMS";

    /// <summary>Relative path to lowercase hex digest; throws <see cref="FormatException"/> naming the line that is not one.</summary>
    public static IReadOnlyDictionary<string, string> Parse(ReadOnlySpan<byte> content)
    {
        var text = Encoding.UTF8.GetString(content);
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 && i == lines.Length - 1) break;
            if (line.Length < 67 || line[64] != ' ' || line[65] is not (' ' or '*') || !line[..64].All(char.IsAsciiHexDigit))
                throw new FormatException($"{FileName} line {i + 1} is not '<64 hex digits>  <file>' (what sha256sum writes)");
            var name = line[66..];
            if (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
            if (!BlobFolderAddress.IsRelativeName(name)) throw new FormatException($"{FileName} line {i + 1}: '{name}' is not a path below the folder");
            if (!sums.TryAdd(name, line[..64].ToLowerInvariant())) throw new FormatException($"{FileName} line {i + 1}: '{name}' is listed twice");
        }
        return sums;
    }

    /// <summary>
    /// What is wrong with <paramref name="files"/> (relative path to its digest, <see cref="FileName"/> included) against the
    /// <see cref="FileName"/> among them and against <paramref name="pin"/> (its own digest, when given); null when nothing is.
    /// </summary>
    public static string? Problem(IReadOnlyDictionary<string, string> files, Func<byte[]> readSums, string? pin)
    {
        if (!files.TryGetValue(FileName, out var sumsDigest))
            return pin is null ? null : $"the address pins {FileName} (#sha256={pin}) but the folder has none";
        if (pin is not null && sumsDigest != pin) return $"{FileName} has SHA-256 {sumsDigest}, not the pinned {pin}";
        var sums = Parse(readSums());
        foreach (var (name, digest) in files)
        {
            if (name == FileName) continue;
            if (!sums.TryGetValue(name, out var expected)) return $"{name} is not listed in {FileName}";
            if (expected != digest) return $"{name} has SHA-256 {digest}, not the {expected} of {FileName}";
        }
        return sums.Keys.FirstOrDefault(name => !files.ContainsKey(name)) is { } missing ? $"{FileName} lists {missing}, which the folder does not have" : null;
    }
}
