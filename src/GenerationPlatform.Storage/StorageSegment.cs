using System.Text.RegularExpressions;

namespace GenerationPlatform.Storage;

/// <summary>Tenant and job ids become one folder or blob-name segment each, so they must be safe as both.</summary>
public static partial class StorageSegment
{
    /// <summary>Longest accepted id.</summary>
    public const int MaxLength = 128;

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeCharacters();

    /// <summary>True when <paramref name="value"/> is 1..128 of <c>[A-Za-z0-9._-]</c> and not <c>.</c> or <c>..</c>.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && value != "." && value != ".." && SafeCharacters().IsMatch(value);

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="parameterName"/> unless <paramref name="value"/> is valid.</summary>
    public static string Validate(string? value, string parameterName)
    {
        if (IsValid(value)) return value!;
        var shown = value is null ? "null" : $"'{(value.Length > 40 ? value[..40] + "..." : value)}'";
        throw new ArgumentException(
            $"{parameterName} must be 1 to {MaxLength} characters of letters, digits, '.', '_' or '-', and not '.' or '..' (got {shown}).",
            parameterName);
    }
}
