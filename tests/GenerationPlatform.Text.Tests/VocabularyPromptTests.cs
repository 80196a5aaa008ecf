using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text.Tests;

/// <summary>The prompt parser with the garment vocabulary: held-out words are understood (the attributes verifier can score them).</summary>
public sealed class VocabularyPromptTests
{
    [Theory]
    [InlineData("a crimson flip-flop", FashionClasses.Sandal, "red")]
    [InlineData("a navy cardigan", FashionClasses.Pullover, "blue")]
    [InlineData("a pair of azure slacks", FashionClasses.Trouser, "blue")]
    [InlineData("a photo of a scarlet backpack", FashionClasses.Bag, "red")]
    [InlineData("an image of a lavender espadrille", FashionClasses.Sandal, "purple")]
    [InlineData("a tote bag", FashionClasses.Bag, null)]
    [InlineData("a gold kurta", FashionClasses.Shirt, "yellow")]
    [InlineData("a burgundy blazer", FashionClasses.Coat, "red")]
    public void VocabularyWordsAreRead(string prompt, int cls, string? colour)
    {
        var p = PromptParser.Parse(prompt);
        Assert.True(p.Understood, string.Join("; ", p.Unparsed));
        Assert.Equal((cls, colour), (p.Class!.Value, p.Colour));
    }

    [Fact]
    public void ColoursTheVocabularyMapsAreNoLongerRefusedAndTheOthersStillAre()
    {
        Assert.True(PromptParser.Parse("a navy coat").Understood);
        Assert.Contains("cannot be checked", string.Join(" ", PromptParser.Parse("a brown coat").Unparsed));
        Assert.Contains("cannot be checked", string.Join(" ", PromptParser.Parse("a magenta coat").Unparsed));
    }

    [Fact]
    public void ReservedMeaningSaysWhatTheParserReadsAWordAsWithoutClasses()
    {
        Assert.Equal("Filler", PromptParser.ReservedMeaning("photo"));
        Assert.Equal("Colour cyan", PromptParser.ReservedMeaning("Teal"));
        Assert.StartsWith("Unsupported colour 'white' cannot be checked", PromptParser.ReservedMeaning("white"));
        Assert.Null(PromptParser.ReservedMeaning("sandal"));
        Assert.Null(PromptParser.ReservedMeaning("crimson"));
        Assert.Contains("white", PromptParser.ColourWords);
        Assert.Contains("red", PromptParser.ColourWords);
    }
}
