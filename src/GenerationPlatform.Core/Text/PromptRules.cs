using System.Globalization;
using System.Text;

namespace GenerationPlatform.Core.Text;

/// <summary>What a prompt may be, wherever one enters (the API, the CLI): one rule, one wording.</summary>
public static class PromptRules
{
    /// <summary>The longest prompt, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    /// <summary>
    /// Null when <paramref name="prompt"/> is acceptable, else why not (without the field's name). Control characters are
    /// refused, and so is every format character (Unicode category Cf): the bidirectional controls (U+202A-U+202E,
    /// U+2066-U+2069, U+200E, U+200F, U+061C), the zero-width ones (U+200B-U+200D, U+2060, U+FEFF), tag characters and the
    /// rest. They show nothing, or reorder what is shown, so a prompt read back (in a result, a log) could say other
    /// than what was sent.
    /// </summary>
    public static string? Problem(string prompt)
    {
        if (prompt.Length > MaxLength) return $"at most {MaxLength} characters (got {prompt.Length})";
        if (prompt.Any(char.IsControl)) return "must not contain control characters";
        for (int i = 0; i < prompt.Length; i++)
            if (char.IsHighSurrogate(prompt[i]) ? i + 1 >= prompt.Length || !char.IsLowSurrogate(prompt[++i]) : char.IsLowSurrogate(prompt[i]))
                return "is not valid UTF-16 text";
        foreach (var rune in prompt.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format)
                return $"must not contain invisible format characters such as bidirectional controls or zero-width characters (U+{rune.Value:X4} at {Index(prompt, rune)})";
        return string.IsNullOrWhiteSpace(prompt) ? "must not be blank" : null;
    }

    /// <summary>The UTF-16 index of the first <paramref name="rune"/> in <paramref name="text"/>.</summary>
    private static int Index(string text, Rune rune)
    {
        Span<char> buffer = stackalloc char[2];
        return text.AsSpan().IndexOf(buffer[..rune.EncodeToUtf16(buffer)]);
    }
}
