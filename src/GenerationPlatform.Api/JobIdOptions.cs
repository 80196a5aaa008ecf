namespace GenerationPlatform.Api;

/// <summary>
/// The key job ids are signed with (section GenerationPlatform:Api:JobIds), the same on every silo of a cluster. Unset,
/// the host derives it: in a cluster from the storage connection string every silo already shares, in the embedded
/// default a fresh one per process (its jobs live in memory and go with it).
/// </summary>
public sealed class JobIdOptions
{
    public const string Section = "GenerationPlatform:Api:JobIds";

    /// <summary>At least 32 hex digits (128 bits). Changing it makes every job id issued before unknown (NOT_FOUND).</summary>
    public string Key { get; set; } = "";

    /// <summary>What is wrong with these options, naming the key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (Key.Length < 32 || Key.Length > 256 || Key.Length % 2 != 0 || !Key.All(Uri.IsHexDigit))
            yield return $"{Section}:Key must be 32 to 256 hex digits, an even count (got {Key.Length} characters)";
    }
}
