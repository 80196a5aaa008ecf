namespace GenerationPlatform.Text.Vocabulary;

/// <summary>One word of a WordNet synset.</summary>
/// <param name="Lemma">As the data file spells it, with spaces for its underscores ("tank top", "T-shirt").</param>
/// <param name="LexId">The lexicographer's sense number of the word in its lexicographer file (one hex digit).</param>
/// <param name="Marker">An adjective's syntactic marker without its parentheses (p, a, ip), or null.</param>
public sealed record WordNetWord(string Lemma, int LexId, string? Marker);
