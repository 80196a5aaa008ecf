using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text.Tests;

/// <summary>The prompt benchmark's held-out-lemma category.</summary>
public sealed class HeldOutLemmaBenchmarkTests
{
    private static string Padded(string text) => " " + GarmentVocabulary.Key(text) + " ";

    [Fact]
    public void EveryClassIsAskedByHeldOutWordsAloneAndWithHeldOutColourWords()
    {
        var rows = PromptBenchmark.Generate().Where(r => r.Category == PromptBenchmark.HeldOutLemma).ToList();
        Assert.Equal(6 * FashionClasses.Count, rows.Count);
        foreach (var g in rows.GroupBy(r => r.Class))
        {
            Assert.Equal(3, g.Count(r => r.Colour is null));
            Assert.Equal(3, g.Count(r => r.Colour is not null));
        }
        Assert.All(rows, r => Assert.Null(r.Orientation));
        Assert.All(rows, r => Assert.Null(r.Surface));
        Assert.All(rows.Where(r => r.Colour is not null), r => Assert.False(CaptionGenerator.IsHeldOut(r.Class, r.Colour!)));
    }

    [Fact]
    public void ItsPromptsAreMadeOfHeldOutWordsOnlyAndNoneIsABenchmarkParaphrase()
    {
        var v = GarmentVocabulary.Shipped;
        var heldOutClassWords = v.Entries.Where(e => e.Kind == VocabularyKind.Class && e.Split == VocabularySplit.HeldOut).ToList();
        var trained = v.Entries.Where(e => e.Split == VocabularySplit.Train).Select(e => e.Key)
            .Concat(ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => GarmentVocabulary.Key(t.Text))).ToHashSet(StringComparer.Ordinal);
        var paraphrases = ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t).Select(t => Padded(t.Text)).ToList();
        foreach (var row in PromptBenchmark.Generate().Where(r => r.Category == PromptBenchmark.HeldOutLemma))
        {
            var words = Padded(row.Prompt);
            var word = heldOutClassWords.Where(e => e.ClassIndex == row.Class && words.Contains(Padded(e.Lemma), StringComparison.Ordinal))
                .OrderByDescending(e => e.Key.Length).First();
            Assert.NotEqual("benchmark-paraphrase", word.SplitReason);
            Assert.DoesNotContain(paraphrases, words.Contains);
            var rest = words.Replace(Padded(word.Lemma), " ", StringComparison.Ordinal);
            if (row.Colour is not null)
            {
                // The longest held-out colour word in it ("lemon yellow" over "lemon").
                var colourWord = v.ColourWords(row.Colour, VocabularySplit.HeldOut).Where(w => rest.Contains(Padded(w), StringComparison.Ordinal)).MaxBy(w => w.Length);
                Assert.NotNull(colourWord);
                rest = rest.Replace(Padded(colourWord), " ", StringComparison.Ordinal);
            }
            // What is left is the frame ("a photo of", "on a black background"): no trained class or colour word.
            Assert.DoesNotContain(PromptParser.Tokens(rest), trained.Contains);
            Assert.DoesNotContain(PromptParser.Tokens(rest), t => ColourFashion.Palette.Any(p => p.Name == t));
        }
    }
}
