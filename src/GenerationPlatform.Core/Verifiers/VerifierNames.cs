namespace GenerationPlatform.Core.Verifiers;

/// <summary>
/// The verifier-name grammar: the built-in names, <c>onnx:NAME</c>, <c>ensemble(a, b, ...)</c> of those, and the one
/// spelling of a spec (<see cref="Canonical"/>). The edge checks requests with it; <c>VerifierCatalog</c> builds verifiers from it.
/// </summary>
public static class VerifierNames
{
    public static IReadOnlyList<string> BaseNames { get; } = ["classifier", "class-gaussian", "resnet-probe", "self-consistency", "text-align", "attributes"];

    public const string OnnxPrefix = "onnx:";

    /// <summary>
    /// The one spelling of a verifier spec, which names its grain, its metric label and its scores: lower case,
    /// no whitespace, <c>ensemble(a,b,...)</c> with each member canonical, in the order given. Whitespace may
    /// surround names, commas and parentheses but not split a name. Null, with the problem, for a malformed
    /// spec: a character outside names (letters, digits, '-', '_', '.', ':'), parentheses after anything but
    /// <c>ensemble</c>, an ensemble of fewer than two members or with a member twice, nesting deeper than
    /// <see cref="MaxEnsembleDepth"/>. Whether the names are served is for the caller to check.
    /// </summary>
    public static string? Canonical(string spec, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(spec);
        problem = null;
        int at = 0;
        var name = ReadSpec(spec, ref at, 0, ref problem);
        if (name is null) return null;
        SkipSpaces(spec, ref at);
        if (at < spec.Length)
        {
            problem = $"unexpected '{Shown(spec[at])}' at position {at}";
            return null;
        }
        return name;
    }

    /// <summary>The deepest nesting of ensembles a spec may have.</summary>
    public const int MaxEnsembleDepth = 4;

    /// <summary>The members of a canonical <c>ensemble(...)</c> name, in order; empty for a base name.</summary>
    public static IReadOnlyList<string> Members(string canonical) =>
        canonical.StartsWith("ensemble(", StringComparison.Ordinal) && canonical.EndsWith(')') ? SplitMembers(canonical["ensemble(".Length..^1]).ToArray() : [];

    private static string? ReadSpec(string s, ref int at, int depth, ref string? problem)
    {
        SkipSpaces(s, ref at);
        int start = at;
        while (at < s.Length && IsNameChar(s[at])) at++;
        if (at == start)
        {
            problem = at < s.Length ? $"expected a verifier name at position {at}, got '{Shown(s[at])}'" : "expected a verifier name";
            return null;
        }
        var name = s[start..at].ToLowerInvariant();
        SkipSpaces(s, ref at);
        if (at < s.Length && IsNameChar(s[at]))
        {
            problem = $"a space inside the name at position {at}";
            return null;
        }
        if (at >= s.Length || s[at] != '(') return name;
        if (name != "ensemble")
        {
            problem = $"only ensemble(...) takes members, not '{name}'";
            return null;
        }
        if (depth >= MaxEnsembleDepth)
        {
            problem = $"ensembles nest at most {MaxEnsembleDepth} deep";
            return null;
        }
        at++;
        var members = new List<string>();
        while (true)
        {
            var member = ReadSpec(s, ref at, depth + 1, ref problem);
            if (member is null) return null;
            if (members.Contains(member))
            {
                problem = $"ensemble member '{member}' is listed twice";
                return null;
            }
            members.Add(member);
            SkipSpaces(s, ref at);
            if (at >= s.Length)
            {
                problem = "ensemble( is not closed";
                return null;
            }
            if (s[at++] == ')') break;
            if (s[at - 1] != ',')
            {
                problem = $"expected ',' or ')' at position {at - 1}, got '{Shown(s[at - 1])}'";
                return null;
            }
        }
        if (members.Count < 2)
        {
            problem = "an ensemble needs at least two verifiers";
            return null;
        }
        return $"ensemble({string.Join(",", members)})";
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    private static void SkipSpaces(string s, ref int at)
    {
        while (at < s.Length && char.IsWhiteSpace(s[at])) at++;
    }

    private static char Shown(char c) => char.IsControl(c) ? '?' : c;

    private static IEnumerable<string> SplitMembers(string inner)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '(') depth++;
            else if (inner[i] == ')') depth--;
            else if (inner[i] == ',' && depth == 0) { yield return inner[start..i]; start = i + 1; }
        }
        yield return inner[start..];
    }
}
