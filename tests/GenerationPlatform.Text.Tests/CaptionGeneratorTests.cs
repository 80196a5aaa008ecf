using Xunit.Abstractions;

namespace GenerationPlatform.Text.Tests;

public sealed class CaptionGeneratorTests(ITestOutputHelper output)
{
    private static IEnumerable<ImageProperties> AllProperties()
    {
        for (int c = 0; c < FashionClasses.Count; c++)
            foreach (var colour in ColourFashion.Palette.Select(p => p.Name).Append(null))
                foreach (var surface in new[] { Surfaces.Plain, Surfaces.Patterned, null })
                    foreach (var orientation in FashionClasses.IsFootwear(c) ? new[] { Orientations.Left, Orientations.Right, null } : [null])
                        yield return new ImageProperties(c, colour, orientation, surface);
    }

    [Fact]
    public void SameSeedSameCaptionAndSeedsVaryTheWording()
    {
        var p = new ImageProperties(FashionClasses.Sneaker, "blue", Orientations.Left, Surfaces.Plain);
        Assert.Equal(CaptionGenerator.Caption(p, 42), CaptionGenerator.Caption(p, 42));
        var captions = Enumerable.Range(0, 200).Select(s => CaptionGenerator.Caption(p, (ulong)s)).ToHashSet();
        Assert.True(captions.Count > 40, $"only {captions.Count} different captions");
        foreach (var caption in captions.Take(12)) output.WriteLine(caption);
    }

    [Fact]
    public void CaptionsSayOnlyTrueThingsAndMentionNoneOneSomeOrAllProperties()
    {
        var mentionedCounts = new int[4];
        ulong seed = 0;
        foreach (var p in AllProperties())
        {
            for (int k = 0; k < 8; k++)
            {
                var caption = CaptionGenerator.Caption(p, seed++);
                var parsed = PromptParser.Parse(caption);
                Assert.True(parsed.Understood, $"'{caption}': {string.Join("; ", parsed.Unparsed)}");
                Assert.Equal(p.Class, parsed.Class);
                if (parsed.Colour is not null) Assert.Equal(p.Colour, parsed.Colour);
                if (parsed.Orientation is not null) Assert.Equal(p.Orientation, parsed.Orientation);
                if (parsed.Surface is not null) Assert.Equal(p.Surface, parsed.Surface);
                if (p.Colour is not null && p.Surface is not null && (p.Orientation is not null || !FashionClasses.IsFootwear(p.Class)))
                    mentionedCounts[parsed.Asked - 1]++;
            }
        }
        output.WriteLine($"captions of fully known images mentioning 0..3 properties: {string.Join(", ", mentionedCounts)}");
        Assert.All(mentionedCounts, n => Assert.True(n > 100));
    }

    [Fact]
    public void HeldOutParaphrasesNeverAppearInTrainingCaptions()
    {
        var paraphrases = ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t).Select(t => " " + string.Join(' ', PromptParser.Tokens(t.Text)) + " ").ToList();
        var training = ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => t.Text).ToHashSet();
        Assert.DoesNotContain(ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t), t => training.Contains(t.Text));
        ulong seed = 0;
        foreach (var p in AllProperties())
        {
            for (int k = 0; k < 4; k++)
            {
                var words = " " + string.Join(' ', PromptParser.Tokens(CaptionGenerator.Caption(p, seed++))) + " ";
                Assert.DoesNotContain(paraphrases, words.Contains);
            }
        }
    }

    [Fact]
    public void HeldOutColourPairsAreNeverCaptionedWithTheirColour()
    {
        foreach (var (c, colour) in CaptionGenerator.HeldOutColourPairs)
        {
            var p = new ImageProperties(c, colour, FashionClasses.IsFootwear(c) ? Orientations.Left : null, Surfaces.Plain);
            for (ulong seed = 0; seed < 200; seed++)
                Assert.Null(PromptParser.Parse(CaptionGenerator.Caption(p, seed)).Colour);
        }
        Assert.Equal(FashionClasses.Count, CaptionGenerator.HeldOutColourPairs.Select(p => p.Class).Distinct().Count());
    }

    [Fact]
    public void EveryTrainingTermIsUsed()
    {
        var used = new HashSet<string>();
        for (ulong seed = 0; seed < 400; seed++)
            for (int c = 0; c < FashionClasses.Count; c++)
                used.Add(string.Join(' ', PromptParser.Tokens(CaptionGenerator.Caption(new ImageProperties(c), seed))));
        foreach (var term in ClassVocabulary.TrainingTerms.SelectMany(t => t))
            Assert.Contains(used, u => (" " + u + " ").Contains(" " + string.Join(' ', PromptParser.Tokens(term.Text)) + " "));
    }
}
