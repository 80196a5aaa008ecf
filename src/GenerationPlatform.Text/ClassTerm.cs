namespace GenerationPlatform.Text;

/// <summary>A word or phrase naming a class; plural-only nouns (trousers, jeans) take "a pair of" instead of "a".</summary>
public sealed record ClassTerm(string Text, bool Plural = false);
