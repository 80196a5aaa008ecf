using System.Globalization;

namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// One line of a WordNet 3.0 data file (data.noun, data.verb, data.adj, data.adv; wndb(5)):
/// <c>synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id ...] p_cnt [ptr ...] [frames ...] | gloss</c>,
/// where the offset is the line's byte offset in its file (8 decimal digits), the lexicographer file number two decimal
/// digits, the synset type one of n, v, a, s (adjective satellite), r, the word count two hex digits, each lex id one
/// hex digit, the pointer count three decimal digits, each pointer <c>symbol offset pos source/target</c> with the
/// source and target word numbers two hex digits each, and a verb's frames <c>f_cnt + f_num w_num ...</c>.
/// </summary>
/// <param name="Offset">The synset's byte offset in its data file: its identity within a part of speech.</param>
/// <param name="LexFileNumber">The lexicographer file (6: noun.artifact, 7: noun.attribute, 0: adj.all, ...).</param>
/// <param name="SynsetType">n, v, a, s or r.</param>
/// <param name="Words">The synset's words in file order.</param>
/// <param name="Pointers">Its relations in file order.</param>
/// <param name="Gloss">The definition and examples after the bar, trimmed.</param>
public sealed record WordNetSynset(long Offset, int LexFileNumber, char SynsetType, IReadOnlyList<WordNetWord> Words,
    IReadOnlyList<WordNetPointer> Pointers, string Gloss)
{
    /// <summary>The part of speech of the file the synset is in (a satellite is an adjective).</summary>
    public char PartOfSpeech => SynsetType == 's' ? 'a' : SynsetType;

    /// <summary>The offsets of the synsets that <paramref name="symbol"/> points to from the whole synset or from any of its words.</summary>
    public IEnumerable<long> Targets(string symbol, char partOfSpeech) =>
        Pointers.Where(p => p.Symbol == symbol && p.PartOfSpeech == partOfSpeech).Select(p => p.Offset);

    /// <summary>Reads a data line (without its line ending); throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static WordNetSynset Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        int bar = line.IndexOf(" | ", StringComparison.Ordinal);
        var fields = (bar < 0 ? line : line[..bar]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var gloss = bar < 0 ? "" : line[(bar + 3)..].Trim();
        int i = 0;
        string Next(string what) => i < fields.Length ? fields[i++] : throw new FormatException($"WordNet data line ends before its {what}: {Shorten(line)}");
        long offset = Number(Next("offset"), NumberStyles.None, "offset", line);
        int lexFile = (int)Number(Next("lexicographer file number"), NumberStyles.None, "lexicographer file number", line);
        var type = Next("synset type");
        if (type.Length != 1 || !"nvasr".Contains(type[0], StringComparison.Ordinal))
            throw new FormatException($"WordNet data line has synset type '{type}', expected one of n v a s r: {Shorten(line)}");
        int wordCount = (int)Number(Next("word count"), NumberStyles.AllowHexSpecifier, "word count", line);
        if (wordCount == 0) throw new FormatException($"WordNet synset {offset} has no words");
        var words = new WordNetWord[wordCount];
        for (int w = 0; w < wordCount; w++)
        {
            var raw = Next("words");
            string? marker = null;
            int paren = raw.IndexOf('(', StringComparison.Ordinal);
            if (paren > 0 && raw.EndsWith(')'))
            {
                marker = raw[(paren + 1)..^1];
                raw = raw[..paren];
            }
            words[w] = new WordNetWord(raw.Replace('_', ' '), (int)Number(Next("lex ids"), NumberStyles.AllowHexSpecifier, "lex id", line), marker);
        }
        int pointerCount = (int)Number(Next("pointer count"), NumberStyles.None, "pointer count", line);
        var pointers = new WordNetPointer[pointerCount];
        for (int k = 0; k < pointerCount; k++)
        {
            var symbol = Next("pointers");
            long target = Number(Next("pointers"), NumberStyles.None, "pointer offset", line);
            var pos = Next("pointers");
            if (pos.Length != 1 || !"nvar".Contains(pos[0], StringComparison.Ordinal))
                throw new FormatException($"WordNet pointer has part of speech '{pos}', expected one of n v a r: {Shorten(line)}");
            var sourceTarget = Next("pointers");
            if (sourceTarget.Length != 4) throw new FormatException($"WordNet pointer's source/target '{sourceTarget}' is not 4 hex digits: {Shorten(line)}");
            pointers[k] = new WordNetPointer(symbol, target, pos[0],
                (int)Number(sourceTarget[..2], NumberStyles.AllowHexSpecifier, "pointer source", line),
                (int)Number(sourceTarget[2..], NumberStyles.AllowHexSpecifier, "pointer target", line));
        }
        if (type[0] == 'v' && i < fields.Length)
        {
            // Verb frames: f_cnt, then "+ f_num w_num" per frame; nothing here uses them.
            int frames = (int)Number(Next("frame count"), NumberStyles.None, "frame count", line);
            for (int f = 0; f < frames; f++)
            {
                if (Next("frames") != "+") throw new FormatException($"WordNet verb frame does not start with '+': {Shorten(line)}");
                Next("frames");
                Next("frames");
            }
        }
        if (i != fields.Length) throw new FormatException($"WordNet data line has {fields.Length - i} fields after its pointers: {Shorten(line)}");
        return new WordNetSynset(offset, lexFile, type[0], words, pointers, gloss);
    }

    private static long Number(string text, NumberStyles style, string what, string line) =>
        long.TryParse(text, style, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"WordNet {what} '{text}' is not a number: {Shorten(line)}");

    private static string Shorten(string line) => line.Length <= 120 ? line : line[..120] + "...";
}
