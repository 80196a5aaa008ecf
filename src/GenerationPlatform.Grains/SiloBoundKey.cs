namespace GenerationPlatform.Grains;

/// <summary>
/// Keys of grains that live on a named silo: <c>{name}|{silo}</c>. A denoiser per (model, silo) and a
/// verifier per (verifier, silo) are such grains; a key without a silo names the grain anywhere.
/// </summary>
public static class SiloBoundKey
{
    private const char Separator = '|';

    public static string Of(string name, SiloAddress silo) => $"{name}{Separator}{silo.ToParsableString()}";

    /// <summary>The name and, when the key has one, the silo.</summary>
    public static (string Name, SiloAddress? Silo) Parse(string key)
    {
        int at = key.IndexOf(Separator);
        return at < 0 ? (key, null) : (key[..at], SiloAddress.FromParsableString(key[(at + 1)..]));
    }
}
