namespace GenerationPlatform.Text.Vocabulary;

/// <summary>A WordNet colour noun synset whose words, hyponyms and derived adjectives name one palette colour (see <see cref="GarmentHead"/>).</summary>
/// <param name="Colour">The palette colour's name (<see cref="ColourFashion.Palette"/>).</param>
/// <param name="Offset">The synset's offset in data.noun.</param>
/// <param name="Lemma">One of its words.</param>
/// <param name="Gloss">The beginning of its gloss.</param>
/// <param name="Why">Why this synset names the colour.</param>
public sealed record ColourHead(string Colour, long Offset, string Lemma, string Gloss, string Why);
