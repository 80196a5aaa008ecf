namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// One pointer of a WordNet synset (wndb(5): <c>pointer_symbol synset_offset pos source/target</c>): a relation from this
/// synset, or from one of its words, to another synset or word.
/// </summary>
/// <param name="Symbol">The relation, e.g. <c>@</c> hypernym, <c>~</c> hyponym (see <see cref="WordNetPointerSymbols"/>).</param>
/// <param name="Offset">The target synset's byte offset in the data file of <paramref name="PartOfSpeech"/>.</param>
/// <param name="PartOfSpeech">The target's part of speech: n, v, a, r (an adjective satellite's pointers also say a).</param>
/// <param name="Source">The source word's number in this synset (1-based), or 0 for a relation between whole synsets.</param>
/// <param name="Target">The target word's number in the target synset (1-based), or 0 for a relation between whole synsets.</param>
public sealed record WordNetPointer(string Symbol, long Offset, char PartOfSpeech, int Source, int Target)
{
    /// <summary>A relation between synsets (semantic), not between particular words (lexical).</summary>
    public bool IsSemantic => Source == 0 && Target == 0;
}
