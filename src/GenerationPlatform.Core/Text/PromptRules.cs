namespace GenerationPlatform.Core.Text;

/// <summary>What a prompt may be, wherever one enters (the API, the CLI): one rule, one wording.</summary>
public static class PromptRules
{
    /// <summary>The longest prompt, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    /// <summary>Null when <paramref name="prompt"/> is acceptable, else why not (without the field's name).</summary>
    public static string? Problem(string prompt)
    {
        if (prompt.Length > MaxLength) return $"at most {MaxLength} characters (got {prompt.Length})";
        if (prompt.Any(char.IsControl)) return "must not contain control characters";
        for (int i = 0; i < prompt.Length; i++)
            if (char.IsHighSurrogate(prompt[i]) ? i + 1 >= prompt.Length || !char.IsLowSurrogate(prompt[++i]) : char.IsLowSurrogate(prompt[i]))
                return "is not valid UTF-16 text";
        return string.IsNullOrWhiteSpace(prompt) ? "must not be blank" : null;
    }
}
