using System.Globalization;

namespace GenerationPlatform.Evaluation;

/// <summary>An exact McNemar test: the discordant pairs on each side and the two-sided p-value.</summary>
public readonly record struct McNemarResult(int OnlyA, int OnlyB, double P)
{
    /// <summary>"11 / 2, p = 0.0225": A's discordant wins, B's, and the exact two-sided p-value (3 significant digits).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{OnlyA} / {OnlyB}, p = {FormatP(P)}");

    private static string FormatP(double p) => p >= 1e-4 ? p.ToString("G3", CultureInfo.InvariantCulture) : p.ToString("0.0E+0", CultureInfo.InvariantCulture);
}
