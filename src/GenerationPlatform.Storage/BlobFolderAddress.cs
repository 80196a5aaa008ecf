using System.Text.RegularExpressions;

namespace GenerationPlatform.Storage;

/// <summary>
/// Where a folder kept in Blob Storage lies, written <c>{container}/{prefix}</c>, optionally pinned with
/// <c>#sha256={hex}</c>, the SHA-256 of the folder's <see cref="Sha256Sums.FileName"/> (pip's <c>url#sha256=</c>).
/// The container must be a blob container name and the prefix relative segments (no <c>..</c>, no empty segment, no
/// <c>\</c>): its local copy then lies below the cache directory whatever the text says.
/// </summary>
public sealed partial record BlobFolderAddress(string Container, string Prefix, string? Sha256SumsPin)
{
    private const string PinMarker = "#sha256=";

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();

    /// <summary>Reads <c>{container}/{prefix}[#sha256={hex}]</c>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static BlobFolderAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? pin = null;
        int marker = text.IndexOf(PinMarker, StringComparison.OrdinalIgnoreCase);
        if (marker >= 0)
        {
            pin = text[(marker + PinMarker.Length)..];
            if (!Sha256Hex().IsMatch(pin)) throw new FormatException($"'{text}': {PinMarker} must be followed by 64 hex digits (the SHA-256 of {Sha256Sums.FileName})");
            pin = pin.ToLowerInvariant();
            text = text[..marker];
        }
        if (text.StartsWith('/')) throw new FormatException($"'{text}' is absolute: write {{container}}/{{prefix}}");
        int slash = text.IndexOf('/');
        var (container, prefix) = slash < 0 ? (text, "") : (text[..slash], text[(slash + 1)..]);
        return new BlobFolderAddress(CheckedContainer(container), CheckedPrefix(prefix), pin);
    }

    /// <summary>A blob container name (3-63 lowercase letters, digits and single hyphens), else <see cref="FormatException"/>.</summary>
    public static string CheckedContainer(string container) => ContainerName().IsMatch(container)
        ? container
        : throw new FormatException($"container '{container}' is not a blob container name (3-63 lowercase letters, digits and single hyphens)");

    /// <summary>
    /// The prefix without its trailing <c>/</c>, if its segments are plain names; else <see cref="FormatException"/>: an absolute prefix,
    /// <c>..</c>, <c>.</c>, an empty segment or a <c>\</c> could name a folder outside the cache.
    /// </summary>
    public static string CheckedPrefix(string prefix)
    {
        var trimmed = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (trimmed.Length > 0 && !IsRelativeName(trimmed))
            throw new FormatException($"prefix '{prefix}' is not a relative path of plain names (no leading '/', '..', '.', empty segment or '\\')");
        return trimmed;
    }

    /// <summary>Whether <paramref name="name"/> is '/'-separated plain names, so that it stays below whatever folder it is joined to.</summary>
    public static bool IsRelativeName(string name) =>
        name.Length > 0 && name.Split('/').All(part => part is not ("" or "." or "..") && !part.Contains('\\') && !part.Contains('\0'));

    /// <summary>The folder this address is copied to: <c>{cacheDirectory}/{container}/{prefix}</c>, checked to lie below the cache.</summary>
    public string LocalFolder(string cacheDirectory) => LocalFolder(cacheDirectory, Container, Prefix);

    internal static string LocalFolder(string cacheDirectory, string container, string prefix)
    {
        var root = Path.GetFullPath(cacheDirectory);
        var path = Path.GetFullPath(Path.Combine(root, CheckedContainer(container), CheckedPrefix(prefix).Replace('/', Path.DirectorySeparatorChar)));
        if (!IsBelow(root, path)) throw new FormatException($"'{container}/{prefix}' would be copied to {path}, which is not below the cache {root}");
        return path;
    }

    /// <summary>
    /// Whether <paramref name="path"/> lies strictly below <paramref name="root"/> (both full paths), no folder between them being a
    /// symbolic link: what may be deleted and replaced there is the cache's own.
    /// </summary>
    public static bool IsBelow(string root, string path)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || path.Length == root.Length + 1) return false;
        for (var dir = new DirectoryInfo(path); dir.FullName.Length > root.Length; dir = dir.Parent!)
            if (dir.LinkTarget is not null) return false;
        return true;
    }
}
