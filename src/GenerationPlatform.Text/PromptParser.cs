using System.Text;

namespace GenerationPlatform.Text;

/// <summary>
/// Reads what a prompt asks, for the <c>attributes</c> check: a class (by its dataset name, a training term or a
/// benchmark paraphrase, <see cref="ClassVocabulary"/>), a palette colour (and the aliases teal, turquoise: cyan;
/// violet: purple), an orientation (left or right, in any phrasing: "facing left", "toe to the right", "left-facing"),
/// a surface (plain, solid, smooth, unpatterned: plain; patterned, pattern, textured, printed: patterned).
/// <para>
/// It does not guess. Words are lower-cased, split at anything but letters and digits, and plural "s" is dropped; the
/// longest known phrase wins at each position. A prompt is understood only when every word is a property word or a
/// known filler word (articles, "photo of", "facing", "on a black background", ...), at least one property is asked,
/// and nothing conflicts. Otherwise <see cref="ParsedPrompt.Understood"/> is false and the reasons are listed: unknown
/// words; colours outside the palette (white, black, brown, ...); surfaces finer than plain/patterned (striped, floral,
/// ...); negation (not, no, without); a word that could be several classes (shoe, footwear); two different values
/// for one property; an orientation asked of a class without a toe.
/// </para>
/// </summary>
public static class PromptParser
{
    private enum Kind { Class, Colour, Orientation, Surface, Filler, Unsupported }

    private sealed record Entry(Kind Kind, string Value);

    private static readonly string[] FillerWords =
    [
        "a", "an", "the", "of", "one", "single", "pair", "photo", "photograph", "picture", "image", "drawing", "sketch", "render",
        "with", "in", "on", "at", "and", "its", "it", "is", "this", "that", "s", "some", "please", "me", "show", "showing", "shown",
        "generate", "draw", "make", "create", "item", "piece", "clothing", "garment", "fashion", "product", "colour", "color",
        "coloured", "colored", "finish", "surface", "fabric", "facing", "face", "faced", "pointing", "point", "pointed", "toe",
        "to", "toward", "towards", "side", "turned", "oriented", "direction", "heading", "background",
    ];

    private static readonly string[] FillerPhrases = ["black background", "dark background"];

    private static readonly (string Word, string Colour)[] ColourAliases = [("teal", "cyan"), ("turquoise", "cyan"), ("violet", "purple")];

    private static readonly string[] OtherColours =
    [
        "white", "black", "grey", "gray", "brown", "beige", "gold", "golden", "silver", "navy", "maroon", "tan", "cream", "khaki",
        "olive", "lime", "magenta", "lavender", "burgundy", "multicoloured", "multicolored", "rainbow", "dark", "light", "pale", "bright",
    ];

    private static readonly (string Word, string Surface)[] SurfaceWords =
    [
        ("plain", Surfaces.Plain), ("solid", Surfaces.Plain), ("smooth", Surfaces.Plain), ("unpatterned", Surfaces.Plain),
        ("patterned", Surfaces.Patterned), ("pattern", Surfaces.Patterned), ("textured", Surfaces.Patterned), ("printed", Surfaces.Patterned),
    ];

    private static readonly string[] FinerSurfaces =
        ["striped", "stripe", "stripy", "checked", "checkered", "chequered", "plaid", "tartan", "floral", "dotted", "polka", "spotted", "logo", "leopard", "camo"];

    private static readonly string[] Negations = ["not", "no", "without", "non", "never", "nor"];

    private static readonly string[] AmbiguousClassWords = ["shoe", "footwear", "clothes", "outfit", "apparel", "accessory", "heel"];

    private static readonly Dictionary<string, Entry> Phrases = BuildPhrases();

    private static readonly int LongestPhrase = Phrases.Keys.Max(k => k.Count(ch => ch == ' ') + 1);

    /// <summary>Reads <paramref name="prompt"/>; see the class summary for what is understood.</summary>
    public static ParsedPrompt Parse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var tokens = Tokens(prompt);
        var reasons = new List<string>();
        var classes = new List<int>();
        var colours = new List<string>();
        var orientations = new List<string>();
        var surfaces = new List<string>();
        for (int i = 0; i < tokens.Count;)
        {
            Entry? entry = null;
            int length = Math.Min(LongestPhrase, tokens.Count - i);
            for (; length > 0; length--)
            {
                if (Phrases.TryGetValue(string.Join(' ', tokens.Skip(i).Take(length)), out entry)) break;
            }
            if (entry is null)
            {
                reasons.Add($"unknown word '{tokens[i]}'");
                i++;
                continue;
            }
            switch (entry.Kind)
            {
                case Kind.Class: classes.Add(int.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case Kind.Colour: colours.Add(entry.Value); break;
                case Kind.Orientation: orientations.Add(entry.Value); break;
                case Kind.Surface: surfaces.Add(entry.Value); break;
                case Kind.Unsupported: reasons.Add(entry.Value.Replace("{0}", string.Join(' ', tokens.Skip(i).Take(length)), StringComparison.Ordinal)); break;
            }
            i += length;
        }
        var distinctClasses = classes.Distinct().ToList();
        Conflict(distinctClasses.Select(c => FashionClasses.Names[c]).ToList(), "classes", reasons);
        int? cls = distinctClasses.Count == 1 ? distinctClasses[0] : null;
        string? colour = Single(colours, "colours", reasons);
        string? orientation = Single(orientations, "orientations", reasons);
        string? surface = Single(surfaces, "surfaces", reasons);
        if (orientation is not null && cls is { } c && !FashionClasses.IsFootwear(c))
            reasons.Add($"an orientation is asked of {FashionClasses.Names[c]}, which has no toe (only Sandal, Sneaker and Ankle boot do)");
        var parsed = new ParsedPrompt(cls, colour, orientation, surface, false, reasons);
        if (parsed.Asked == 0 && reasons.Count == 0) reasons.Add("the prompt asks nothing recognisable (a class, colour, orientation or surface)");
        return parsed with { Understood = reasons.Count == 0 };
    }

    private static string? Single(List<string> values, string what, List<string> reasons)
    {
        var distinct = values.Distinct().ToList();
        Conflict(distinct, what, reasons);
        return distinct.Count == 1 ? distinct[0] : null;
    }

    private static void Conflict(List<string> distinct, string what, List<string> reasons)
    {
        if (distinct.Count > 1) reasons.Add($"two {what} asked: {string.Join(" and ", distinct)}");
    }

    /// <summary>Lower-cased words split at anything but letters and digits, each without a plural "s" (see <see cref="Stem"/>).</summary>
    public static IReadOnlyList<string> Tokens(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var ch in text + " ")
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
                continue;
            }
            if (word.Length > 0) words.Add(Stem(word.ToString()));
            word.Clear();
        }
        return words;
    }

    /// <summary>Drops a plural ending: "dresses" to "dress", "jeans" to "jean"; leaves "dress", "this", "plus" alone.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || !word.EndsWith('s') || word.EndsWith("ss", StringComparison.Ordinal)
            || word.EndsWith("us", StringComparison.Ordinal) || word.EndsWith("is", StringComparison.Ordinal)) return word;
        return word.EndsWith("sses", StringComparison.Ordinal) ? word[..^2] : word[..^1];
    }

    private static Dictionary<string, Entry> BuildPhrases()
    {
        var phrases = new Dictionary<string, Entry>(StringComparer.Ordinal);
        void Add(string text, Entry entry)
        {
            var key = string.Join(' ', Tokens(text));
            if (phrases.TryGetValue(key, out var existing) && existing != entry)
                throw new InvalidOperationException($"'{text}' means both {existing} and {entry}");
            phrases[key] = entry;
        }
        foreach (var word in FillerWords) Add(word, new Entry(Kind.Filler, ""));
        foreach (var phrase in FillerPhrases) Add(phrase, new Entry(Kind.Filler, ""));
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var value = c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var entry = new Entry(Kind.Class, value);
            foreach (var part in FashionClasses.Names[c].Split('/')) Add(part, entry);
            foreach (var term in ClassVocabulary.TrainingTerms[c].Concat(ClassVocabulary.BenchmarkParaphrases[c]).Concat(ClassVocabulary.ProjectionSynonyms[c])) Add(term.Text, entry);
        }
        foreach (var colour in ColourFashion.Palette) Add(colour.Name, new Entry(Kind.Colour, colour.Name));
        foreach (var (word, colour) in ColourAliases) Add(word, new Entry(Kind.Colour, colour));
        var palette = string.Join(", ", ColourFashion.Palette.Select(p => p.Name));
        foreach (var word in OtherColours) Add(word, new Entry(Kind.Unsupported, $"colour '{{0}}' cannot be checked (the palette is {palette})"));
        Add(Orientations.Left, new Entry(Kind.Orientation, Orientations.Left));
        Add(Orientations.Right, new Entry(Kind.Orientation, Orientations.Right));
        foreach (var (word, surface) in SurfaceWords) Add(word, new Entry(Kind.Surface, surface));
        foreach (var word in FinerSurfaces) Add(word, new Entry(Kind.Unsupported, "surface '{0}' is finer than what is measured (plain or patterned)"));
        foreach (var word in Negations) Add(word, new Entry(Kind.Unsupported, "negation ('{0}') is not supported"));
        foreach (var word in AmbiguousClassWords) Add(word, new Entry(Kind.Unsupported, "'{0}' could be several classes"));
        return phrases;
    }
}
