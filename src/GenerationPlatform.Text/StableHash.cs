namespace GenerationPlatform.Text;

/// <summary>SplitMix64's finaliser: a fixed, platform-independent 64-bit mix (no <see cref="HashCode"/> randomisation).</summary>
public static class StableHash
{
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Mixes a value with a salt, so different uses of one index draw independent bits.</summary>
    public static ulong Mix(ulong value, ulong salt) => Mix(Mix(value) ^ salt);
}
