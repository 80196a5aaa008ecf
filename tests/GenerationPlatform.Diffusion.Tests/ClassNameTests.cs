using GenerationPlatform.Diffusion.Data;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class ClassNameTests
{
    [Theory]
    [InlineData("Sneaker", 7)]
    [InlineData("sneaker", 7)]
    [InlineData("  SNEAKER ", 7)]
    [InlineData("7", 7)]
    [InlineData("0", 0)]
    [InlineData("T-shirt/top", 0)]
    [InlineData("tshirt top", 0)]
    [InlineData("t-shirt", 0)]
    [InlineData("top", 0)]
    [InlineData("Ankle boot", 9)]
    [InlineData("ankle-boot", 9)]
    [InlineData("ankleboot", 9)]
    [InlineData("ANKLE  BOOT", 9)]
    [InlineData("bag", 8)]
    public void ParsesNamesAndIndices(string text, int expected)
    {
        Assert.True(FashionMnist.TryParseClass(text, out var i));
        Assert.Equal(expected, i);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("-1")]
    [InlineData("boot")]
    [InlineData("sneakers")]
    [InlineData(null)]
    public void RejectsUnknown(string? text)
    {
        Assert.False(FashionMnist.TryParseClass(text, out _));
        Assert.Throws<ArgumentException>(() => FashionMnist.ParseClass(text));
    }
}
