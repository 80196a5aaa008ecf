namespace GenerationPlatform.Text.Vocabulary;

/// <summary>A word the generator found for a class or a colour, before the split: its kind, target, lemma, number, synset and where it came from.</summary>
internal sealed record VocabularyCandidate(VocabularyKind Kind, string Target, string Lemma, bool Plural, string Synset, string Source);
