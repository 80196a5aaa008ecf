namespace GenerationPlatform.Text.Tests;

public sealed class PromptParserTests
{
    [Theory]
    [InlineData("a red dress", FashionClasses.Dress, "red", null, null)]
    [InlineData("A photo of a plain ORANGE T-shirt", FashionClasses.TShirt, "orange", null, "plain")]
    [InlineData("a pair of blue jeans", FashionClasses.Trouser, "blue", null, null)]
    [InlineData("slacks", FashionClasses.Trouser, null, null, null)]
    [InlineData("a yellow sneaker facing left", FashionClasses.Sneaker, "yellow", "left", null)]
    [InlineData("an ankle boot with the toe to the right", FashionClasses.AnkleBoot, null, "right", null)]
    [InlineData("a right-facing running shoe", FashionClasses.Sneaker, null, "right", null)]
    [InlineData("patterned sandals, toe pointing left", FashionClasses.Sandal, null, "left", "patterned")]
    [InlineData("an open-toe shoe", FashionClasses.Sandal, null, null, null)]
    [InlineData("a boot", FashionClasses.AnkleBoot, null, null, null)]
    [InlineData("a chelsea boot in teal", FashionClasses.AnkleBoot, "cyan", null, null)]
    [InlineData("two dresses", null, null, null, null)] // "two" is not known: not understood (checked below)
    [InlineData("a T shirt", FashionClasses.TShirt, null, null, null)]
    [InlineData("a shirt", FashionClasses.Shirt, null, null, null)]
    [InlineData("a button-up shirt", FashionClasses.Shirt, null, null, null)]
    [InlineData("a textured purple coat on a black background", FashionClasses.Coat, "purple", null, "patterned")]
    [InlineData("a violet item", null, "purple", null, null)]
    [InlineData("something pink", null, null, null, null)] // "something" is not known
    [InlineData("T-shirt/top", FashionClasses.TShirt, null, null, null)]
    [InlineData("a solid green handbag", FashionClasses.Bag, "green", null, "plain")]
    public void ReadsWhatThePromptAsks(string prompt, int? cls, string? colour, string? orientation, string? surface)
    {
        var p = PromptParser.Parse(prompt);
        if (prompt is "two dresses" or "something pink")
        {
            Assert.False(p.Understood);
            Assert.Contains(p.Unparsed, r => r.Contains("unknown word", StringComparison.Ordinal));
            return;
        }
        Assert.True(p.Understood, string.Join("; ", p.Unparsed));
        Assert.Empty(p.Unparsed);
        Assert.Equal(cls, p.Class);
        Assert.Equal(colour, p.Colour);
        Assert.Equal(orientation, p.Orientation);
        Assert.Equal(surface, p.Surface);
    }

    [Theory]
    [InlineData("", "asks nothing recognisable")]
    [InlineData("a photo of", "asks nothing recognisable")]
    [InlineData("a hat", "unknown word 'hat'")]
    [InlineData("a brown dress", "colour 'brown' cannot be checked")]
    [InlineData("a white sneaker", "colour 'white' cannot be checked")]
    [InlineData("a striped shirt", "surface 'striped' is finer")]
    [InlineData("a dress that is not red", "negation ('not')")]
    [InlineData("a bag without a pattern", "negation ('without')")]
    [InlineData("a red shoe", "'shoe' could be several classes")]
    [InlineData("a dress and a bag", "two classes asked: Dress and Bag")]
    [InlineData("a red and blue coat", "two colours asked: red and blue")]
    [InlineData("a sneaker facing left and right", "two orientations asked")]
    [InlineData("a plain patterned coat", "two surfaces asked")]
    [InlineData("a dress facing left", "has no toe")]
    [InlineData("une robe rouge", "unknown word 'une'")]
    public void SaysWhenItCannotParseRatherThanGuessing(string prompt, string reason)
    {
        var p = PromptParser.Parse(prompt);
        Assert.False(p.Understood);
        Assert.Contains(p.Unparsed, r => r.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void TheSameClassNamedTwiceIsOneClass()
    {
        var p = PromptParser.Parse("a trainer, a sneaker");
        Assert.True(p.Understood);
        Assert.Equal(FashionClasses.Sneaker, p.Class);
    }

    [Fact]
    public void EveryClassWordIsRecognised()
    {
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            foreach (var term in ClassVocabulary.TrainingTerms[c].Concat(ClassVocabulary.BenchmarkParaphrases[c]).Concat(ClassVocabulary.ProjectionSynonyms[c]))
            {
                var p = PromptParser.Parse(term.Text);
                Assert.True(p.Understood, term.Text);
                Assert.Equal(c, p.Class);
                var plural = term.Plural ? term.Text : term.Text.EndsWith('s') ? term.Text + "es" : term.Text + "s";
                Assert.Equal(c, PromptParser.Parse(plural).Class);
            }
        }
    }

    [Theory]
    [InlineData("dresses", "dress")]
    [InlineData("dress", "dress")]
    [InlineData("jeans", "jean")]
    [InlineData("this", "this")]
    [InlineData("bags", "bag")]
    public void StemDropsPluralEndingsOnly(string word, string stem) => Assert.Equal(stem, PromptParser.Stem(word));
}
