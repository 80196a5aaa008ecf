namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// One word of the garment vocabulary (one row of <see cref="GarmentVocabulary.RelativePath"/>).
/// </summary>
/// <param name="Kind">A class word or a colour word.</param>
/// <param name="Target">The class's dataset name (<see cref="FashionClasses.Names"/>) or the palette colour's name.</param>
/// <param name="Lemma">The word or phrase as captions and prompts write it ("flip-flop", "jeans", "navy blue").</param>
/// <param name="Plural">A plural-only noun (jeans, waders): "a pair of ..." instead of "a ...".</param>
/// <param name="Split">Training captions may use it, or it is held out for the benchmark.</param>
/// <param name="Synset">Where it comes from in WordNet: part of speech and offset ("n03364008"), or "-" for a word added by hand.</param>
/// <param name="Source">How it was reached ("n04133789 +1": one hyponym step below that head; "adjective of n04962784"), or "hand".</param>
/// <param name="SplitReason">Why it is on its side: hash, training-term, palette-name, benchmark-paraphrase, projection-synonym, contains 'KEY'.</param>
public sealed record VocabularyEntry(VocabularyKind Kind, string Target, string Lemma, bool Plural, VocabularySplit Split, string Synset, string Source, string SplitReason)
{
    /// <summary>The source of a row added by hand.</summary>
    public const string HandSource = "hand";

    /// <summary>The class label of a class word (-1 for a colour word).</summary>
    public int ClassIndex => Kind == VocabularyKind.Class ? FashionClasses.IndexOf(Target) : -1;

    /// <summary>The word as the parser and the leak checks compare it: its tokens, lower case, plural "s" dropped (<see cref="GarmentVocabulary.Key"/>).</summary>
    public string Key => GarmentVocabulary.Key(Lemma);

    /// <summary>The word as a class term for <see cref="CaptionGenerator.Describe"/>.</summary>
    public ClassTerm Term => new(Lemma, Plural);
}
