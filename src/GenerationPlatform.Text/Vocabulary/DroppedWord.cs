namespace GenerationPlatform.Text.Vocabulary;

/// <summary>A WordNet word the vocabulary generator reached and left out, and why.</summary>
public sealed record DroppedWord(VocabularyKind Kind, string Target, string Lemma, string Reason);
