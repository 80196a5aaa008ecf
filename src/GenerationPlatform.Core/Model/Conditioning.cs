namespace GenerationPlatform.Core.Model;

/// <summary>
/// What a model is conditioned on: class labels with their names, or text through a named encoder whose
/// embeddings have <see cref="EmbeddingSize"/> values. Guidance's null condition is the label
/// <see cref="NullLabel"/> for class models and the zero embedding for text models.
/// </summary>
public sealed record Conditioning(ConditioningKind Kind, IReadOnlyList<string> ClassNames, string? TextEncoder = null, int EmbeddingSize = 0)
{
    public static Conditioning ForClasses(IReadOnlyList<string> names) => new(ConditioningKind.Class, names);

    public static Conditioning ForText(string encoder, int embeddingSize) => new(ConditioningKind.Text, [], encoder, embeddingSize);

    public int Classes => ClassNames.Count;

    /// <summary>The label of the unconditional branch of a class model.</summary>
    public int NullLabel => Classes;

    public bool IsText => Kind == ConditioningKind.Text;

    /// <summary>
    /// The class index for a name or an index written as text, forgiving case, spaces, hyphens and slashes
    /// ("T-shirt/top" is also "tshirt", "top" or "0"); null when it names none.
    /// </summary>
    public int? ParseClass(string text)
    {
        if (IsText || string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.Trim();
        if (int.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i))
            return i < Classes ? i : null;
        var key = Normalize(trimmed);
        for (int c = 0; c < Classes; c++)
            if (Normalize(ClassNames[c]) == key || ClassNames[c].Split('/').Any(part => Normalize(part) == key)) return c;
        return null;
    }

    private static string Normalize(string s) =>
        new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    /// <summary>Null when valid, else what is wrong.</summary>
    public string? Problem() => Kind switch
    {
        ConditioningKind.Class when Classes is < 1 or > 100_000 => "a class model needs between 1 and 100000 class names",
        ConditioningKind.Class when ClassNames.Any(string.IsNullOrWhiteSpace) => "class names must not be empty",
        ConditioningKind.Class when ClassNames.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Classes => "class names must be distinct",
        ConditioningKind.Text when string.IsNullOrWhiteSpace(TextEncoder) => "a text model must name its text encoder",
        ConditioningKind.Text when EmbeddingSize is < 1 or > 8192 => "a text model's embedding size must be between 1 and 8192",
        _ => null,
    };

    public override string ToString() => IsText ? $"text ({TextEncoder}, {EmbeddingSize}-d)" : $"class ({Classes} classes)";
}
