namespace GenerationPlatform.Text.Vocabulary;

/// <summary>What a vocabulary word names: a Fashion-MNIST class, or a palette colour.</summary>
public enum VocabularyKind
{
    Class,
    Colour,
}
