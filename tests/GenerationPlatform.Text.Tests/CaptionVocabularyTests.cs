using GenerationPlatform.Text.Training;
using GenerationPlatform.Text.Vocabulary;
using Xunit.Abstractions;

namespace GenerationPlatform.Text.Tests;

/// <summary>Training captions and the garment vocabulary: trained words are used, held-out words never are.</summary>
public sealed class CaptionVocabularyTests(ITestOutputHelper output)
{
    private const int Images = 60_000;

    private static readonly ImageProperties[] AllProperties =
    [
        .. from c in Enumerable.Range(0, FashionClasses.Count)
           from colour in ColourFashion.Palette.Select(p => p.Name).Append(null)
           from surface in new[] { Surfaces.Plain, Surfaces.Patterned, null }
           from orientation in FashionClasses.IsFootwear(c) ? new[] { Orientations.Left, Orientations.Right, null } : [null]
           select new ImageProperties(c, colour, orientation, surface),
    ];

    /// <summary>
    /// The training set's caption seeds (image i of 60 000, caption k of 3: <see cref="ColourCaptionDataset.CaptionSeed"/>),
    /// each with a property combination drawn by a fixed hash from every possible one: a caption is a function of its
    /// properties and seed alone, so this covers every wording the training set can hold.
    /// </summary>
    private static IEnumerable<string> TrainingCaptions()
    {
        for (int i = 0; i < Images; i++)
            for (int k = 0; k < 3; k++)
                yield return CaptionGenerator.Caption(AllProperties[StableHash.Mix((ulong)(i * 3 + k), 0x1EA4) % (ulong)AllProperties.Length],
                    ColourCaptionDataset.CaptionSeed(i, k));
    }

    /// <summary>Every run of 1 to <paramref name="longest"/> consecutive tokens of a caption, as keys ("flip flop", "tank top").</summary>
    private static IEnumerable<string> Phrases(string caption, int longest)
    {
        var tokens = PromptParser.Tokens(caption);
        for (int i = 0; i < tokens.Count; i++)
            for (int n = 1; n <= longest && i + n <= tokens.Count; n++)
                yield return string.Join(' ', tokens.Skip(i).Take(n));
    }

    [Fact]
    public void NoHeldOutWordBenchmarkParaphraseOrProjectionSynonymIsInAnyTrainingCaption()
    {
        // Compared token by token (lower case, plural "s" dropped): "top" in "a red top" is not "tank top", "tote" is in "a tote bag".
        var forbidden = GarmentVocabulary.Shipped.Entries.Where(e => e.Split == VocabularySplit.HeldOut).Select(e => (e.Key, Why: $"held-out {e.Kind} word '{e.Lemma}'"))
            .Concat(ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t).Select(t => (Key: GarmentVocabulary.Key(t.Text), Why: $"benchmark paraphrase '{t.Text}'")))
            .Concat(ClassVocabulary.ProjectionSynonyms.SelectMany(t => t).Select(t => (Key: GarmentVocabulary.Key(t.Text), Why: $"projection synonym '{t.Text}'")))
            .GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First().Why, StringComparer.Ordinal);
        int longest = forbidden.Keys.Max(k => k.Count(ch => ch == ' ') + 1);
        var trained = GarmentVocabulary.Shipped.Entries.Where(e => e.Split == VocabularySplit.Train).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        int captions = 0;
        foreach (var caption in TrainingCaptions())
        {
            captions++;
            if (!distinct.Add(caption)) continue;
            foreach (var phrase in Phrases(caption, Math.Max(longest, 4)))
            {
                if (forbidden.TryGetValue(phrase, out var why)) Assert.Fail($"training caption '{caption}' holds the {why}");
                if (trained.Contains(phrase)) used.Add(phrase);
            }
        }
        output.WriteLine($"{captions} captions ({distinct.Count} distinct) hold none of {forbidden.Count} held-out words; they use {used.Count} of {trained.Count} trained words");
        Assert.Equal(Images * 3, captions);
        Assert.Empty(trained.Except(used));
    }

    [Fact]
    public void CaptionsNameTheClassByItsTermsHalfTheTimeAndByVocabularyWordsOtherwise()
    {
        var terms = ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => GarmentVocabulary.Key(t.Text)).ToHashSet(StringComparer.Ordinal);
        int byTerm = 0, total = 0;
        for (ulong seed = 0; seed < 4000; seed++)
        {
            var term = CaptionGenerator.ClassWord((int)(seed % FashionClasses.Count), new DeterministicRandom(seed));
            total++;
            if (terms.Contains(GarmentVocabulary.Key(term.Text))) byTerm++;
            else Assert.Contains(term, GarmentVocabulary.Shipped.ClassTerms((int)(seed % FashionClasses.Count), VocabularySplit.Train));
        }
        Assert.InRange(byTerm / (double)total, 0.45, 0.6);
        var words = Enumerable.Range(0, 2000).Select(s => CaptionGenerator.ColourWord("red", new DeterministicRandom((ulong)s))).ToList();
        Assert.InRange(words.Count(w => w == "red") / 2000.0, 0.45, 0.6);
        Assert.All(words, w => Assert.Contains(w, GarmentVocabulary.Shipped.ColourWords("red", VocabularySplit.Train)));
        Assert.Throws<ArgumentException>(() => CaptionGenerator.ColourWord("mauve", new DeterministicRandom(1)));
    }
}
