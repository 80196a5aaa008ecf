using GenerationPlatform.Text.Training;

namespace GenerationPlatform.Text.Tests;

/// <summary>The synonyms that tune the text projection, and the caption pairs made from them.</summary>
public sealed class SynonymCaptionsTests
{
    private static string Words(string text) => " " + string.Join(' ', PromptParser.Tokens(text)) + " ";

    [Fact]
    public void TuningSynonymsShareNoWordSequenceWithTheBenchmarksParaphrasesAndAreNoTrainingTerm()
    {
        var paraphrases = ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t).Select(t => Words(t.Text)).ToArray();
        var training = ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => Words(t.Text)).ToHashSet();
        foreach (var synonym in ClassVocabulary.ProjectionSynonyms.SelectMany(t => t).Select(t => Words(t.Text)))
        {
            Assert.DoesNotContain(synonym, training);
            Assert.DoesNotContain(paraphrases, p => p.Contains(synonym, StringComparison.Ordinal) || synonym.Contains(p, StringComparison.Ordinal));
            Assert.DoesNotContain(" shoe ", synonym, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EverySynonymHasATrainingTermOfItsNumberAndEveryClassKeepsOneOutOfTheTuning()
    {
        Assert.Equal(FashionClasses.Count, ClassVocabulary.ProjectionSynonyms.Count);
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            Assert.True(ClassVocabulary.ProjectionSynonyms[c].Count >= 2);
            foreach (var s in ClassVocabulary.ProjectionSynonyms[c])
                Assert.Contains(ClassVocabulary.TrainingTerms[c], t => t.Plural == s.Plural);
        }
        var pairs = SynonymCaptions.Pairs(3, 9);
        Assert.Equal(ClassVocabulary.ProjectionSynonyms.Sum(s => s.Count) * 3, pairs.Count);
        Assert.All(pairs, p => Assert.Equal(p.Synonym == ClassVocabulary.ProjectionSynonyms[p.Class][^1].Text, p.Validation));
    }

    [Fact]
    public void APairIsOneCaptionWithTheSynonymAndWithATrainingTermAskingTheSameProperties()
    {
        var pairs = SynonymCaptions.Pairs(20, 4);
        Assert.Equal(pairs, SynonymCaptions.Pairs(20, 4));
        Assert.NotEqual(pairs.Select(p => p.Caption), SynonymCaptions.Pairs(20, 5).Select(p => p.Caption));
        foreach (var p in pairs)
        {
            var caption = PromptParser.Parse(p.Caption);
            var teacher = PromptParser.Parse(p.TeacherCaption);
            Assert.True(caption.Understood, p.Caption);
            Assert.True(teacher.Understood, p.TeacherCaption);
            Assert.Equal(p.Class, caption.Class);
            Assert.Equal((teacher.Class, teacher.Colour, teacher.Orientation, teacher.Surface), (caption.Class, caption.Colour, caption.Orientation, caption.Surface));
            Assert.Contains(Words(p.Synonym), Words(p.Caption), StringComparison.Ordinal);
            if (caption.Colour is not null) Assert.False(CaptionGenerator.IsHeldOut(p.Class, caption.Colour), p.Caption);
        }
        Assert.Contains(pairs, p => PromptParser.Parse(p.Caption).Asked == 1);
        Assert.Contains(pairs, p => PromptParser.Parse(p.Caption).Asked >= 3);
    }
}
