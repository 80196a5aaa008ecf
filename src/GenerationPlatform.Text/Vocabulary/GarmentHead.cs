namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// A WordNet noun synset whose words and hyponyms name one Fashion-MNIST class (or, for <see cref="ColourHead"/>, one
/// palette colour). <see cref="Lemma"/> and <see cref="Gloss"/> say which synset the offset means; the generator refuses
/// a head whose synset has not that word or whose gloss does not begin so, so an offset cannot silently point elsewhere.
/// </summary>
/// <param name="Class">The Fashion-MNIST label.</param>
/// <param name="Offset">The synset's offset in data.noun.</param>
/// <param name="Lemma">One of its words.</param>
/// <param name="Gloss">The beginning of its gloss.</param>
/// <param name="Why">Why this synset names the class.</param>
public sealed record GarmentHead(int Class, long Offset, string Lemma, string Gloss, string Why);
