namespace GenerationPlatform.Text.Tests;

public sealed class AttributeCheckTests
{
    private static readonly float[] RedBootToeLeft = Shapes.Paint(Shapes.BootToeLeft(), "red"); // flat: plain for every class

    [Fact]
    public void CountsTheAskedPropertiesTheImageHas()
    {
        var score = AttributeCheck.Score(PromptParser.Parse("a plain red ankle boot facing left"), RedBootToeLeft, FashionClasses.AnkleBoot);
        Assert.True(score.Understood);
        Assert.Equal(4, score.Asked);
        Assert.Equal(4, score.Met);
        Assert.Equal(1.0, score.Fraction);
        Assert.True(score.AllMet);
        Assert.Equal(["class", "colour", "orientation", "surface"], score.Checks.Select(c => c.Property));
    }

    [Fact]
    public void UnmetPropertiesAreCountedAndNamed()
    {
        var score = AttributeCheck.Score(PromptParser.Parse("a patterned blue ankle boot facing right"), RedBootToeLeft, FashionClasses.Sneaker);
        Assert.Equal(4, score.Asked);
        Assert.Equal(0, score.Met);
        Assert.Equal(0.0, score.Fraction);
        Assert.False(score.AllMet);
        var colour = score.Checks.Single(c => c.Property == "colour");
        Assert.Equal(("blue", "red"), (colour.Asked, colour.Found));
        Assert.Equal("left", score.Checks.Single(c => c.Property == "orientation").Found);
        Assert.Equal("plain", score.Checks.Single(c => c.Property == "surface").Found);
        Assert.Equal("Sneaker", score.Checks.Single(c => c.Property == "class").Found);

        var half = AttributeCheck.Score(PromptParser.Parse("a red sneaker facing right"), RedBootToeLeft, FashionClasses.AnkleBoot);
        Assert.Equal((1, 3), (half.Met, half.Asked));
        Assert.Equal(1.0 / 3, half.Fraction!.Value, 9);
    }

    [Fact]
    public void ClassIsNeverMetWithoutAPrediction()
    {
        var score = AttributeCheck.Score(PromptParser.Parse("a red ankle boot"), RedBootToeLeft, predictedClass: null);
        Assert.Equal((1, 2), (score.Met, score.Asked));
        Assert.Null(score.Checks.Single(c => c.Property == "class").Found);
    }

    [Fact]
    public void SurfaceWithoutAnyClassIsNotMet()
    {
        var score = AttributeCheck.Score(PromptParser.Parse("something plain"), RedBootToeLeft, null);
        Assert.False(score.Understood); // "something" is unknown
        var plainRed = AttributeCheck.Score(PromptParser.Parse("a plain red item"), RedBootToeLeft, null);
        Assert.Equal((1, 2), (plainRed.Met, plainRed.Asked));
        var withPrediction = AttributeCheck.Score(PromptParser.Parse("a plain red item"), RedBootToeLeft, FashionClasses.Bag);
        Assert.Equal((2, 2), (withPrediction.Met, withPrediction.Asked));
    }

    [Fact]
    public void APromptItCannotParseScoresNothingAndSaysWhy()
    {
        var score = AttributeCheck.Score(PromptParser.Parse("a brown boot"), RedBootToeLeft, FashionClasses.AnkleBoot);
        Assert.False(score.Understood);
        Assert.Equal((0, 0), (score.Met, score.Asked));
        Assert.Null(score.Fraction);
        Assert.False(score.AllMet);
        Assert.Contains(score.Reasons, r => r.Contains("brown", StringComparison.Ordinal));
    }

    [Fact]
    public void PatternedIsMetOnAHighFrequencyItem()
    {
        var busy = Shapes.Paint(Shapes.Checkerboard(4, 24, 6, 22, 1f, 0f), "yellow");
        var score = AttributeCheck.Score(PromptParser.Parse("a patterned yellow dress"), busy, FashionClasses.Dress);
        Assert.Equal((3, 3), (score.Met, score.Asked));
    }

    [Fact]
    public void WrongImageSizeIsRefused() =>
        Assert.Throws<ArgumentException>(() => AttributeCheck.Score(PromptParser.Parse("a dress"), new float[784], 3));
}
