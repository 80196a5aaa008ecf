using System.Text.RegularExpressions;

namespace GenerationPlatform.Storage;

/// <summary>How result store settings are spelt: the store's kind (case and surrounding spaces aside) and a blob container's name.</summary>
internal static partial class ResultStoreKinds
{
    public static bool Is(string? value, string kind) => string.Equals(value?.Trim(), kind, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    public static partial Regex ContainerName();
}
