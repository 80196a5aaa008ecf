using System.Text;
using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text;

/// <summary>
/// Reads what a prompt asks, for the <c>attributes</c> check: a class (by its dataset name, a training term or a
/// benchmark paraphrase, <see cref="ClassVocabulary"/>, or any class word of the garment vocabulary,
/// <see cref="GarmentVocabulary"/>, held-out words included), a palette colour (and the aliases teal, turquoise: cyan;
/// violet: purple; and every colour word of the garment vocabulary: crimson, red; navy, blue), an orientation (left or
/// right, in any phrasing: "facing left", "toe to the right", "left-facing"),
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

    private static readonly Dictionary<string, Entry> Reserved = BuildReserved();

    // Built on first parse, not at type initialisation, so ReservedMeaning serves the vocabulary's generator before the vocabulary exists.
    private static readonly Lazy<Dictionary<string, Entry>> KnownPhrases = new(BuildPhrases);

    private static readonly Lazy<int> LongestPhrase = new(() => KnownPhrases.Value.Keys.Max(k => k.Count(ch => ch == ' ') + 1));

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
            int length = Math.Min(LongestPhrase.Value, tokens.Count - i);
            for (; length > 0; length--)
            {
                if (KnownPhrases.Value.TryGetValue(string.Join(' ', tokens.Skip(i).Take(length)), out entry)) break;
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

    /// <summary>
    /// What the parser reads <paramref name="text"/> as apart from any class word or vocabulary word (a filler, a colour, a
    /// colour it cannot check, an orientation, a surface, a negation, a word of several classes), or null when nothing:
    /// the garment vocabulary's generator keeps such words out of its classes.
    /// </summary>
    public static string? ReservedMeaning(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Reserved.TryGetValue(string.Join(' ', Tokens(text)), out var entry)
            ? $"{entry.Kind} {entry.Value.Replace("{0}", text, StringComparison.Ordinal)}".TrimEnd()
            : null;
    }

    /// <summary>Every word the parser reads as a colour before the vocabulary adds its own: the palette, its aliases and the colours it cannot check.</summary>
    public static IEnumerable<string> ColourWords => ColourFashion.Palette.Select(p => p.Name).Concat(ColourAliases.Select(a => a.Word)).Concat(OtherColours);

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

    private static void AddPhrase(Dictionary<string, Entry> phrases, string text, Entry entry)
    {
        var key = string.Join(' ', Tokens(text));
        if (phrases.TryGetValue(key, out var existing) && existing != entry)
            throw new InvalidOperationException($"'{text}' means both {existing} and {entry}");
        phrases[key] = entry;
    }

    /// <summary>Every phrase that is not a class word: fillers, colours, orientations, surfaces and the unsupported ones.</summary>
    private static Dictionary<string, Entry> BuildReserved()
    {
        var phrases = new Dictionary<string, Entry>(StringComparer.Ordinal);
        void Add(string text, Entry entry) => AddPhrase(phrases, text, entry);
        foreach (var word in FillerWords) Add(word, new Entry(Kind.Filler, ""));
        foreach (var phrase in FillerPhrases) Add(phrase, new Entry(Kind.Filler, ""));
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

    private static Dictionary<string, Entry> BuildPhrases()
    {
        var phrases = new Dictionary<string, Entry>(Reserved, StringComparer.Ordinal);
        void Add(string text, Entry entry) => AddPhrase(phrases, text, entry);
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var value = c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var entry = new Entry(Kind.Class, value);
            foreach (var part in FashionClasses.Names[c].Split('/')) Add(part, entry);
            foreach (var term in ClassVocabulary.TrainingTerms[c].Concat(ClassVocabulary.BenchmarkParaphrases[c]).Concat(ClassVocabulary.ProjectionSynonyms[c]))
                Add(term.Text, entry);
        }
        var otherColours = OtherColours.Select(w => string.Join(' ', Tokens(w))).ToHashSet(StringComparer.Ordinal);
        foreach (var word in GarmentVocabulary.Shipped.Entries)
        {
            // A colour the vocabulary maps to a palette hue (navy: blue) is no longer one that cannot be checked.
            if (word.Kind == VocabularyKind.Colour && otherColours.Contains(word.Key)) phrases.Remove(word.Key);
            Add(word.Lemma, word.Kind == VocabularyKind.Class
                ? new Entry(Kind.Class, word.ClassIndex.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : new Entry(Kind.Colour, word.Target));
        }
        return phrases;
    }
}
