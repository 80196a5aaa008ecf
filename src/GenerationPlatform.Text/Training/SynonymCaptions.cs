namespace GenerationPlatform.Text.Training;

/// <summary>Deterministic synonym/teacher caption pairs for `genplat-research tune-text-projection` (docs/TEXT.md).</summary>
public static class SynonymCaptions
{
    /// <summary>Most pairs per synonym (50 synonyms: at most 50 000 pairs).</summary>
    public const int MaxPerSynonym = 1_000;

    /// <summary>
    /// <paramref name="perSynonym"/> pairs for every synonym of every class: random properties, each mentioned or not
    /// (a palette colour half the time, an orientation half the time for footwear, a surface a third of the time; never a
    /// held-out class-colour pair) and one phrasing drawn once for both captions of a pair. The same arguments give the
    /// same pairs.
    /// </summary>
    public static IReadOnlyList<SynonymPair> Pairs(int perSynonym, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSynonym, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(perSynonym, MaxPerSynonym);
        var pairs = new List<SynonymPair>();
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var synonyms = ClassVocabulary.ProjectionSynonyms[c];
            for (int k = 0; k < synonyms.Count; k++)
            {
                var synonym = synonyms[k];
                var teachers = ClassVocabulary.TrainingTerms[c].Where(t => t.Plural == synonym.Plural).ToArray();
                if (teachers.Length == 0) throw new InvalidOperationException($"'{synonym.Text}' has no training term of its number in class {c}");
                for (int i = 0; i < perSynonym; i++)
                {
                    var rng = new DeterministicRandom(StableHash.Mix(StableHash.Mix(seed, (ulong)c * 1_000 + (ulong)k), (ulong)i));
                    string? colour = rng.Next(2) == 0 ? rng.Pick(ColourFashion.Palette).Name : null;
                    if (colour is not null && CaptionGenerator.IsHeldOut(c, colour)) colour = null;
                    string? orientation = FashionClasses.IsFootwear(c) && rng.Next(2) == 0 ? (rng.Next(2) == 0 ? Orientations.Left : Orientations.Right) : null;
                    string? surface = rng.Next(3) == 0 ? (rng.Next(2) == 0 ? Surfaces.Plain : Surfaces.Patterned) : null;
                    var teacher = rng.Pick(teachers);
                    ulong phrasing = rng.NextUInt64();
                    pairs.Add(new SynonymPair(c, synonym.Text,
                        CaptionGenerator.Describe(synonym, colour, orientation, surface, new DeterministicRandom(phrasing)),
                        CaptionGenerator.Describe(teacher, colour, orientation, surface, new DeterministicRandom(phrasing)),
                        Validation: k == synonyms.Count - 1));
                }
            }
        }
        return pairs;
    }
}
