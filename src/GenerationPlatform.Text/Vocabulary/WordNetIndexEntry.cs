using System.Globalization;

namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// One line of a WordNet 3.0 index file (index.noun, ...; wndb(5)):
/// <c>lemma pos synset_cnt p_cnt [ptr_symbol ...] sense_cnt tagsense_cnt synset_offset [synset_offset ...]</c>.
/// The lemma is lower case with underscores for spaces; its synsets are in order of sense frequency.
/// </summary>
/// <param name="Lemma">Lower case, with spaces for its underscores.</param>
/// <param name="PartOfSpeech">n, v, a or r.</param>
/// <param name="PointerSymbols">The kinds of pointer the lemma has in any of its synsets.</param>
/// <param name="TaggedSenses">How many of its senses are tagged in the semantic concordances.</param>
/// <param name="Synsets">The offsets of its synsets, most frequent sense first.</param>
public sealed record WordNetIndexEntry(string Lemma, char PartOfSpeech, IReadOnlyList<string> PointerSymbols, int TaggedSenses, IReadOnlyList<long> Synsets)
{
    /// <summary>Reads an index line; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static WordNetIndexEntry Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 6) throw new FormatException($"WordNet index line has {f.Length} fields, at least 6 expected: {line}");
        if (f[1].Length != 1 || !"nvar".Contains(f[1][0], StringComparison.Ordinal))
            throw new FormatException($"WordNet index line has part of speech '{f[1]}': {line}");
        int synsetCount = Count(f[2], line);
        int pointerCount = Count(f[3], line);
        int expected = 4 + pointerCount + 2 + synsetCount;
        if (f.Length != expected) throw new FormatException($"WordNet index line has {f.Length} fields, its counts say {expected}: {line}");
        var symbols = f[4..(4 + pointerCount)];
        int senseCount = Count(f[4 + pointerCount], line);
        if (senseCount != synsetCount) throw new FormatException($"WordNet index line's sense count {senseCount} differs from its synset count {synsetCount}: {line}");
        int tagged = Count(f[5 + pointerCount], line);
        var offsets = f[(6 + pointerCount)..].Select(o => long.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"WordNet index offset '{o}' is not a number: {line}")).ToArray();
        return new WordNetIndexEntry(f[0].Replace('_', ' '), f[1][0], symbols, tagged, offsets);
    }

    private static int Count(string text, string line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"WordNet index count '{text}' is not a number: {line}");
}
