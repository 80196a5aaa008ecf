using System.Text;

namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// The class and colour words that training captions draw from and that the prompt benchmark holds out, as committed in
/// <see cref="RelativePath"/> (built from WordNet 3.0 by <see cref="GarmentVocabularyGenerator"/>; its header says how,
/// and how to extend it) and embedded in this assembly. Every word is on one side of a fixed split: <see cref="VocabularySplit.Train"/>
/// words may appear in training captions, <see cref="VocabularySplit.HeldOut"/> words never do (the benchmark's
/// held-out-lemma category asks for them), and the prompt parser understands both.
/// <para>
/// The file: <c>#</c> lines (provenance, license, how to regenerate), then a header row and one tab-separated row per
/// word: kind (class, colour), target (the class's dataset name or a palette colour), lemma, plural (yes, no), split
/// (train, held-out), synset (n03364008, or - for hand rows), source, split reason.
/// </para>
/// </summary>
public sealed class GarmentVocabulary
{
    public const string RelativePath = "src/GenerationPlatform.Text/Vocabulary/garment-vocabulary.tsv";
    public const string ResourceName = "GenerationPlatform.Text.Vocabulary.garment-vocabulary.tsv";
    public const string ColumnHeader = "kind\ttarget\tlemma\tplural\tsplit\tsynset\tsource\tsplit_reason";
    public const string GeneratedPrefix = "# generated: ";

    private static readonly Lazy<GarmentVocabulary> ShippedVocabulary = new(LoadShipped);

    private readonly Dictionary<(int, VocabularySplit), ClassTerm[]> classTerms = [];
    private readonly Dictionary<(string, VocabularySplit), string[]> colourWords = [];

    public GarmentVocabulary(IReadOnlyList<string> header, IReadOnlyList<VocabularyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entries);
        if (header.Any(h => !h.StartsWith('#') || h.Contains('\n'))) throw new ArgumentException("every header line starts with '#' and is one line", nameof(header));
        Header = header;
        Entries = entries;
        var keys = new HashSet<(VocabularyKind, string)>();
        foreach (var e in entries)
        {
            if (e.Kind == VocabularyKind.Class && e.ClassIndex < 0) throw new FormatException($"vocabulary word '{e.Lemma}': unknown class '{e.Target}'");
            if (e.Kind == VocabularyKind.Colour && !ColourFashion.Palette.Any(p => p.Name == e.Target))
                throw new FormatException($"vocabulary word '{e.Lemma}': '{e.Target}' is not a palette colour");
            if (e.Key.Length == 0) throw new FormatException($"vocabulary word '{e.Lemma}' has no letters");
            if (e.Lemma.Contains('\t') || e.Lemma.Contains('\n')) throw new FormatException($"vocabulary word '{e.Lemma}' has a tab or a newline");
            if (!keys.Add((e.Kind, e.Key))) throw new FormatException($"vocabulary word '{e.Lemma}' ({e.Kind}, '{e.Key}') appears twice");
        }
        foreach (var split in new[] { VocabularySplit.Train, VocabularySplit.HeldOut })
        {
            for (int c = 0; c < FashionClasses.Count; c++)
                classTerms[(c, split)] = entries.Where(e => e.Kind == VocabularyKind.Class && e.ClassIndex == c && e.Split == split).Select(e => e.Term).ToArray();
            foreach (var p in ColourFashion.Palette)
                colourWords[(p.Name, split)] = entries.Where(e => e.Kind == VocabularyKind.Colour && e.Target == p.Name && e.Split == split).Select(e => e.Lemma).ToArray();
        }
    }

    /// <summary>The vocabulary this assembly ships (the committed file, embedded).</summary>
    public static GarmentVocabulary Shipped => ShippedVocabulary.Value;

    /// <summary>The file's comment lines, in order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Every word, in file order.</summary>
    public IReadOnlyList<VocabularyEntry> Entries { get; }

    /// <summary>The date in the header's <see cref="GeneratedPrefix"/> line, or null.</summary>
    public string? GeneratedOn => Header.FirstOrDefault(h => h.StartsWith(GeneratedPrefix, StringComparison.Ordinal))?[GeneratedPrefix.Length..];

    /// <summary>The class words of <paramref name="classIndex"/> on one side of the split, in file order.</summary>
    public IReadOnlyList<ClassTerm> ClassTerms(int classIndex, VocabularySplit split)
    {
        FashionClasses.Check(classIndex);
        return classTerms[(classIndex, split)];
    }

    /// <summary>The words for palette colour <paramref name="colour"/> on one side of the split, in file order.</summary>
    public IReadOnlyList<string> ColourWords(string colour, VocabularySplit split) =>
        colourWords.TryGetValue((colour, split), out var words) ? words : throw new ArgumentException($"'{colour}' is not a palette colour", nameof(colour));

    /// <summary>A word as the parser compares it: <see cref="PromptParser.Tokens"/> joined by single spaces ("Flip-flops" is "flip flop").</summary>
    public static string Key(string text) => string.Join(' ', PromptParser.Tokens(text));

    /// <summary>The file's text (LF line endings, final newline).</summary>
    public string ToTsv()
    {
        var text = new StringBuilder();
        foreach (var h in Header) text.Append(h).Append('\n');
        text.Append(ColumnHeader).Append('\n');
        foreach (var e in Entries)
            text.Append(string.Join('\t', e.Kind == VocabularyKind.Class ? "class" : "colour", e.Target, e.Lemma, e.Plural ? "yes" : "no",
                e.Split == VocabularySplit.Train ? "train" : "held-out", e.Synset, e.Source, e.SplitReason)).Append('\n');
        return text.ToString();
    }

    /// <summary>Reads the file's text, checking the column header, every field and that no word appears twice.</summary>
    public static GarmentVocabulary Parse(string tsv)
    {
        ArgumentNullException.ThrowIfNull(tsv);
        var lines = tsv.Split('\n').Where(l => l.Length > 0).ToArray();
        var header = lines.TakeWhile(l => l.StartsWith('#')).ToArray();
        var rows = lines.Skip(header.Length).ToArray();
        if (rows.Length == 0 || rows[0] != ColumnHeader) throw new FormatException($"the vocabulary's first line after its comments must be: {ColumnHeader}");
        var entries = new List<VocabularyEntry>();
        foreach (var row in rows.Skip(1))
        {
            var f = row.Split('\t');
            if (f.Length != 8) throw new FormatException($"vocabulary row has {f.Length} columns, expected 8: {row}");
            var kind = f[0] switch
            {
                "class" => VocabularyKind.Class,
                "colour" => VocabularyKind.Colour,
                _ => throw new FormatException($"vocabulary row's kind '{f[0]}' is not class or colour: {row}"),
            };
            bool plural = f[3] switch { "yes" => true, "no" => false, _ => throw new FormatException($"vocabulary row's plural '{f[3]}' is not yes or no: {row}") };
            var split = f[4] switch
            {
                "train" => VocabularySplit.Train,
                "held-out" => VocabularySplit.HeldOut,
                _ => throw new FormatException($"vocabulary row's split '{f[4]}' is not train or held-out: {row}"),
            };
            entries.Add(new VocabularyEntry(kind, f[1], f[2], plural, split, f[5], f[6], f[7]));
        }
        return new GarmentVocabulary(header, entries);
    }

    private static GarmentVocabulary LoadShipped()
    {
        using var stream = typeof(GarmentVocabulary).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the assembly does not embed {ResourceName}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }
}
