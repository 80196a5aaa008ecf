namespace GenerationPlatform.Text.Vocabulary;

/// <summary>What <see cref="GarmentVocabularyGenerator.Build"/> made: the vocabulary, and every WordNet word it reached and left out.</summary>
public sealed record VocabularyBuild(GarmentVocabulary Vocabulary, IReadOnlyList<DroppedWord> Dropped);
