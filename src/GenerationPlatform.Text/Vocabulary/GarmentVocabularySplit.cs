namespace GenerationPlatform.Text.Vocabulary;

/// <summary>The split of the generator's words into training and held-out sides (see <see cref="GarmentVocabularyGenerator"/>, "The split").</summary>
internal static class GarmentVocabularySplit
{
    /// <summary>Every candidate with its side of the split (see the class summary), sorted: classes in label order, then colours in palette order, each by key.</summary>
    public static List<VocabularyEntry> Of(List<VocabularyCandidate> candidates)
    {
        static string Padded(string key) => " " + key + " ";
        static bool Inside(string inner, string outer) => Padded(outer).Contains(Padded(inner), StringComparison.Ordinal);
        var trainingTerms = ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => GarmentVocabulary.Key(t.Text))
            .Concat(ColourFashion.Palette.Select(p => p.Name)).ToList();
        var paraphrases = ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t).Select(t => GarmentVocabulary.Key(t.Text)).ToList();
        var synonyms = ClassVocabulary.ProjectionSynonyms.SelectMany(t => t).Select(t => GarmentVocabulary.Key(t.Text)).ToList();

        var rows = new List<(VocabularyCandidate Candidate, string Key, VocabularySplit Split, string Reason, bool Forced)>();
        foreach (var c in candidates)
        {
            var key = GarmentVocabulary.Key(c.Lemma);
            var trainedAs = trainingTerms.FirstOrDefault(t => Inside(key, t));
            var paraphrase = paraphrases.FirstOrDefault(p => Inside(p, key));
            var synonym = synonyms.FirstOrDefault(s => Inside(s, key));
            if (trainedAs is not null && (paraphrase ?? synonym) is { } heldOut)
                throw new InvalidOperationException($"'{c.Lemma}' is inside the training term '{trainedAs}' and contains the held-out '{heldOut}'");
            if (trainedAs is not null) rows.Add((c, key, VocabularySplit.Train, c.Kind == VocabularyKind.Colour ? "palette-name" : "training-term", true));
            else if (paraphrase is not null) rows.Add((c, key, VocabularySplit.HeldOut, "benchmark-paraphrase", true));
            else if (synonym is not null) rows.Add((c, key, VocabularySplit.HeldOut, "projection-synonym", true));
            else rows.Add((c, key, VocabularySplit.Train, "hash", false));
        }
        // Of each class's (colour's) words the split is free for, the HeldOutCount with the smallest hashes are held out.
        foreach (var group in rows.Select((r, i) => (Row: r, Index: i)).Where(x => !x.Row.Forced).GroupBy(x => (x.Row.Candidate.Kind, x.Row.Candidate.Target)))
        {
            var ordered = group.OrderBy(x => GarmentVocabularyGenerator.SplitHash(x.Row.Key)).ThenBy(x => x.Row.Key, StringComparer.Ordinal).ToList();
            foreach (var x in ordered.Take(GarmentVocabularyGenerator.HeldOutCount(ordered.Count))) rows[x.Index] = x.Row with { Split = VocabularySplit.HeldOut };
        }
        for (bool changed = true; changed;)
        {
            changed = false;
            var heldOut = rows.Where(r => r.Split == VocabularySplit.HeldOut).Select(r => r.Key).Distinct().ToList();
            for (int i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                if (r.Split == VocabularySplit.HeldOut) continue;
                var inner = heldOut.FirstOrDefault(h => h != r.Key && Inside(h, r.Key));
                if (inner is null) continue;
                if (r.Forced) throw new InvalidOperationException($"'{r.Candidate.Lemma}' must be trained on ({r.Reason}) but contains the held-out '{inner}'");
                rows[i] = r with { Split = VocabularySplit.HeldOut, Reason = $"contains '{inner}'" };
                changed = true;
            }
        }
        var palette = ColourFashion.Palette.Select(p => p.Name).ToList();
        return rows
            .OrderBy(r => r.Candidate.Kind)
            .ThenBy(r => r.Candidate.Kind == VocabularyKind.Class ? FashionClasses.IndexOf(r.Candidate.Target) : palette.IndexOf(r.Candidate.Target))
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new VocabularyEntry(r.Candidate.Kind, r.Candidate.Target, r.Candidate.Lemma, r.Candidate.Plural, r.Split, r.Candidate.Synset, r.Candidate.Source,
                r.Reason))
            .ToList();
    }
}
