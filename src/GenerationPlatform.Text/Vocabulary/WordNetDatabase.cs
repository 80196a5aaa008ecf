using System.Globalization;
using System.Text;

namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// The WordNet 3.0 database files of some parts of speech, read into memory: the synsets of each data file by offset,
/// the index of each by lemma, and the license text the files carry in their header. <see cref="Load"/> reads a
/// WordNet "dict" folder (Debian's wordnet-base installs it as <see cref="DebianDirectory"/>) and checks what the format
/// promises: every synset's offset is the byte offset of its line.
/// </summary>
public sealed class WordNetDatabase
{
    /// <summary>Where Debian's wordnet-base package puts the database files.</summary>
    public const string DebianDirectory = "/usr/share/wordnet";

    private static readonly Dictionary<char, string> FileSuffix = new() { ['n'] = "noun", ['v'] = "verb", ['a'] = "adj", ['r'] = "adv" };

    private readonly Dictionary<(char, long), WordNetSynset> synsets = [];
    private readonly Dictionary<(char, string), WordNetIndexEntry> index = [];

    private WordNetDatabase(IReadOnlyList<string> license) => License = license;

    /// <summary>The license lines of the first data file's header, without their line numbers (WordNet's terms ask that they go with every copy).</summary>
    public IReadOnlyList<string> License { get; }

    /// <summary>How many synsets were read.</summary>
    public int SynsetCount => synsets.Count;

    /// <summary>
    /// Reads data.* and index.* of <paramref name="partsOfSpeech"/> (n, v, a, r; default noun and adjective) from
    /// <paramref name="directory"/>, checking that every offset is its line's byte offset.
    /// </summary>
    public static WordNetDatabase Load(string directory, string partsOfSpeech = "na")
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(partsOfSpeech);
        List<string>? license = null;
        var parts = new List<(char Pos, IEnumerable<string> Data, IEnumerable<string> Index)>();
        foreach (var pos in partsOfSpeech)
        {
            if (!FileSuffix.TryGetValue(pos, out var suffix)) throw new ArgumentException($"unknown part of speech '{pos}' (n, v, a or r)", nameof(partsOfSpeech));
            var dataPath = Path.Combine(directory, "data." + suffix);
            var indexPath = Path.Combine(directory, "index." + suffix);
            if (!File.Exists(dataPath) || !File.Exists(indexPath))
                throw new FileNotFoundException($"no WordNet {dataPath} and {indexPath} (Debian: apt-get install wordnet-base)");
            var data = ReadCheckingOffsets(dataPath);
            license ??= data.Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(LicenseText).ToList();
            parts.Add((pos, data, File.ReadLines(indexPath, Encoding.Latin1)));
        }
        return Build(license ?? [], parts);
    }

    /// <summary>
    /// A database from lines (header lines, which begin with two spaces, are skipped); offsets are taken as written, so
    /// real lines copied out of the files serve as fixtures.
    /// </summary>
    public static WordNetDatabase FromLines(IEnumerable<string> nounData, IEnumerable<string> nounIndex, IEnumerable<string>? adjectiveData = null,
        IEnumerable<string>? adjectiveIndex = null) =>
        Build([], [('n', nounData, nounIndex), ('a', adjectiveData ?? [], adjectiveIndex ?? [])]);

    /// <summary>The synset at <paramref name="offset"/> of part of speech <paramref name="pos"/> (an adjective satellite is 'a').</summary>
    public WordNetSynset Synset(char pos, long offset) =>
        synsets.TryGetValue((pos, offset), out var s) ? s : throw new KeyNotFoundException($"no WordNet synset {offset:D8} ({pos}) in this database");

    public bool TryGetSynset(char pos, long offset, out WordNetSynset synset) => synsets.TryGetValue((pos, offset), out synset!);

    /// <summary>The senses of <paramref name="lemma"/> (any case, spaces or underscores), most frequent first; empty when the index has no such lemma.</summary>
    public IReadOnlyList<WordNetSynset> Senses(string lemma, char pos)
    {
        ArgumentNullException.ThrowIfNull(lemma);
        return index.TryGetValue((pos, lemma.ToLowerInvariant().Replace('_', ' ')), out var entry) ? entry.Synsets.Select(o => Synset(pos, o)).ToArray() : [];
    }

    /// <summary>
    /// The hypernym closure of <paramref name="synset"/> (itself included), following hypernym and instance-hypernym
    /// pointers through every parent; <paramref name="maxDepth"/> bounds the steps (WordNet's noun hierarchy is under 20 deep).
    /// </summary>
    public IReadOnlySet<long> Ancestors(WordNetSynset synset, int maxDepth = 32)
    {
        ArgumentNullException.ThrowIfNull(synset);
        var seen = new HashSet<long> { synset.Offset };
        var frontier = new List<WordNetSynset> { synset };
        for (int depth = 0; depth < maxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<WordNetSynset>();
            foreach (var s in frontier)
                foreach (var parent in s.Targets(WordNetPointerSymbols.Hypernym, s.PartOfSpeech).Concat(s.Targets(WordNetPointerSymbols.InstanceHypernym, s.PartOfSpeech)))
                    if (seen.Add(parent)) next.Add(Synset(s.PartOfSpeech, parent));
            frontier = next;
        }
        return seen;
    }

    private static WordNetDatabase Build(List<string> license, List<(char Pos, IEnumerable<string> Data, IEnumerable<string> Index)> parts)
    {
        var db = new WordNetDatabase(license);
        foreach (var (pos, data, idx) in parts)
        {
            foreach (var line in data)
            {
                if (line.Length == 0 || line.StartsWith("  ", StringComparison.Ordinal)) continue;
                var s = WordNetSynset.Parse(line);
                if (s.PartOfSpeech != pos) throw new FormatException($"WordNet synset {s.Offset:D8} of type '{s.SynsetType}' is in the {FileSuffix[pos]} data");
                if (!db.synsets.TryAdd((pos, s.Offset), s)) throw new FormatException($"WordNet synset {s.Offset:D8} ({pos}) appears twice");
            }
            foreach (var line in idx)
            {
                if (line.Length == 0 || line.StartsWith("  ", StringComparison.Ordinal)) continue;
                var e = WordNetIndexEntry.Parse(line);
                if (e.PartOfSpeech != pos) throw new FormatException($"WordNet index entry '{e.Lemma}' ({e.PartOfSpeech}) is in the {FileSuffix[pos]} index");
                db.index[(pos, e.Lemma)] = e;
            }
        }
        return db;
    }

    /// <summary>Every line of a data file, checking that each synset line starts with its own byte offset.</summary>
    private static List<string> ReadCheckingOffsets(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var lines = new List<string>();
        int start = 0;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            var line = Encoding.Latin1.GetString(bytes, start, end - start);
            if (line.Length > 0 && !line.StartsWith("  ", StringComparison.Ordinal))
            {
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space < 0 || !long.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset != start)
                    throw new FormatException($"{path}: the line at byte {start} does not begin with its offset: {line[..Math.Min(40, line.Length)]}");
            }
            lines.Add(line);
            start = end + 1;
        }
        return lines;
    }

    /// <summary>"  14 WordNet 3.0 Copyright ...  " to "WordNet 3.0 Copyright ...".</summary>
    private static string LicenseText(string header)
    {
        var text = header.Trim();
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? "" : text[(space + 1)..].TrimEnd();
    }
}
