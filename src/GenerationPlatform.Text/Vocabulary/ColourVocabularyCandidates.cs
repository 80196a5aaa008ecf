namespace GenerationPlatform.Text.Vocabulary;

/// <summary>The generator's colour words: the hues' head nouns, the synsets under them and the colour adjectives they derive, blends left out.</summary>
internal static class ColourVocabularyCandidates
{
    /// <summary>The colour words under the palette's head colour nouns (see <see cref="GarmentVocabularyGenerator"/>, "Colour words").</summary>
    public static List<VocabularyCandidate> Of(WordNetDatabase db, IReadOnlyList<ColourHead> heads, List<DroppedWord> dropped)
    {
        var headOffsets = heads.Select(h => h.Offset).ToHashSet();
        var reach = new Dictionary<long, Dictionary<string, (int Steps, long Head)>>();
        foreach (var head in heads)
        {
            if (!ColourFashion.Palette.Any(p => p.Name == head.Colour)) throw new InvalidOperationException($"colour head '{head.Colour}' is not a palette colour");
            var synset = GarmentVocabularyGenerator.CheckHead(db, head.Offset, head.Lemma, head.Gloss, head.Colour);
            // A blend (a synset naming another hue) is reached but not passed through.
            var reached = GarmentVocabularyGenerator.Hyponyms(db, synset, GarmentVocabularyGenerator.MaxColourSteps,
                s => headOffsets.Contains(s.Offset) || BlendWord(s, head.Colour) is null);
            foreach (var (offset, steps) in reached)
            {
                var byColour = reach.TryGetValue(offset, out var r) ? r : reach[offset] = [];
                if (!byColour.TryGetValue(head.Colour, out var best) || steps < best.Steps) byColour[head.Colour] = (steps, head.Offset);
            }
        }
        var found = new List<(VocabularyCandidate Candidate, int Order)>();
        var droppedKeys = new Dictionary<string, (string Lemma, string Target, string Reason)>(StringComparer.Ordinal);
        void Drop(string lemma, string target, string reason) => droppedKeys.TryAdd(GarmentVocabulary.Key(lemma), (lemma, target, reason));
        // A blend's words are left out of it, but may still come from a synset that is not a blend ("scarlet" from the "red" adjective).
        var blendWords = new Dictionary<string, (string Lemma, string Target, string Reason)>(StringComparer.Ordinal);
        void LeaveOut(string lemma, string target, string reason) => blendWords.TryAdd(GarmentVocabulary.Key(lemma), (lemma, target, reason));
        int PaletteOrder(string colour) => ColourFashion.Palette.Select(p => p.Name).ToList().IndexOf(colour);
        foreach (var (offset, byColour) in reach.OrderBy(kv => kv.Key))
        {
            int nearest = byColour.Values.Min(v => v.Steps);
            var winners = byColour.Where(kv => kv.Value.Steps == nearest).Select(kv => kv.Key).ToList();
            var synset = db.Synset('n', offset);
            if (winners.Count > 1)
            {
                foreach (var w in synset.Words) Drop(w.Lemma, string.Join(" and ", winners), $"n{offset:D8} is as near to the heads of {string.Join(" and ", winners)}");
                continue;
            }
            var colour = winners[0];
            var (steps, head) = byColour[colour];
            bool isHead = headOffsets.Contains(offset);
            var blend = BlendWord(synset, colour);
            var source = steps == 0 ? $"head n{head:D8}" : $"n{head:D8} +{steps}";
            foreach (var word in synset.Words)
            {
                if (!isHead && blend is not null) LeaveOut(word.Lemma, colour, $"n{offset:D8} blends hues ('{blend}')");
                else AddColourWord(word, colour, $"n{offset:D8}", source, PaletteOrder(colour) * 100 + steps * 10);
            }
            if (!isHead && blend is not null) continue;
            foreach (var adjectiveOffset in synset.Targets(WordNetPointerSymbols.DerivationallyRelated, 'a').Distinct())
            {
                var adjective = db.Synset('a', adjectiveOffset);
                if (!adjective.Targets(WordNetPointerSymbols.SimilarTo, 'a').Contains(GarmentVocabularyGenerator.ChromaticAdjective)) continue;
                if (BlendWord(adjective, colour) is { } adjectiveBlend)
                {
                    foreach (var word in adjective.Words) LeaveOut(word.Lemma, colour, $"a{adjectiveOffset:D8} blends hues ('{adjectiveBlend}')");
                    continue;
                }
                foreach (var word in adjective.Words)
                    AddColourWord(word, colour, $"a{adjectiveOffset:D8}", $"adjective of n{offset:D8}", PaletteOrder(colour) * 100 + 50 + steps * 10);
            }
        }

        void AddColourWord(WordNetWord word, string colour, string synset, string source, int order)
        {
            string? reason = null;
            if (!GarmentVocabularyGenerator.IsPlainWord(word.Lemma)) reason = "not a plain word (letters, hyphens and spaces)";
            else if (word.Lemma.EndsWith("ness", StringComparison.Ordinal) || word.Lemma.EndsWith("ity", StringComparison.Ordinal)) reason = "names the quality, not a colour";
            else if (NamesOtherHue(word.Lemma, colour) is { } hue) reason = $"names another hue ('{hue}')";
            else if (PromptParser.ReservedMeaning(word.Lemma) is { } meaning && meaning != $"Colour {colour}"
                && !meaning.StartsWith("Unsupported colour '", StringComparison.Ordinal))
                reason = $"the prompt parser reads it as {meaning}";
            if (reason is not null) Drop(word.Lemma, colour, reason);
            else found.Add((new VocabularyCandidate(VocabularyKind.Colour, colour, word.Lemma, false, synset, source), order));
        }

        var result = new List<VocabularyCandidate>();
        foreach (var group in found.GroupBy(f => GarmentVocabulary.Key(f.Candidate.Lemma)))
        {
            var hues = group.Select(f => f.Candidate.Target).Distinct().ToList();
            if (hues.Count > 1) Drop(group.First().Candidate.Lemma, string.Join(" and ", hues), "a word of " + string.Join(" and ", hues));
            if (droppedKeys.ContainsKey(group.Key)) continue;
            result.Add(group.OrderBy(f => f.Order).First().Candidate);
        }
        var kept = result.Select(r => GarmentVocabulary.Key(r.Lemma)).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, word) in blendWords) if (!kept.Contains(key)) droppedKeys.TryAdd(key, word);
        foreach (var (_, (lemma, target, reason)) in droppedKeys.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            dropped.Add(new DroppedWord(VocabularyKind.Colour, target, lemma, reason));
        return result;
    }


    /// <summary>The stems that name each hue (a word beginning with one names that hue: "reddish", "bluish", "purplish").</summary>
    private static readonly (string Colour, string Stem)[] HueStems =
    [
        ("red", "red"), ("orange", "orang"), ("yellow", "yellow"), ("green", "green"), ("cyan", "cyan"), ("blue", "blu"), ("purple", "purpl"),
        ("pink", "pink"), ("brown", "brown"),
    ];

    /// <summary>A word of <paramref name="lemma"/> that names a hue other than <paramref name="colour"/>, or null.</summary>
    private static string? NamesOtherHue(string lemma, string colour)
    {
        foreach (var word in lemma.ToLowerInvariant().Split(' ', '-', '_'))
            foreach (var (hue, stem) in HueStems)
                if (hue != colour && word.StartsWith(stem, StringComparison.Ordinal)) return word;
        return null;
    }

    private static string? BlendWord(WordNetSynset synset, string colour) =>
        synset.Words.Select(w => NamesOtherHue(w.Lemma, colour)).FirstOrDefault(w => w is not null);
}
