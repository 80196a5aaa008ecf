namespace GenerationPlatform.Text.Tests;

public sealed class TextEncodersTests
{
    [Fact]
    public void CreatesTheNamedEncoderBehindACache()
    {
        using var encoder = TextEncoders.Create("all-MiniLM-L6-v2", cacheCapacity: 8);
        var cache = Assert.IsType<CachingTextEncoder>(encoder);
        Assert.Equal(8, cache.Capacity);
        Assert.Equal("all-MiniLM-L6-v2", encoder.Name);
        Assert.Equal(384, encoder.Encode(["a bag"])[0].Length);
        Assert.Contains("all-MiniLM-L6-v2", TextEncoders.Names);
    }

    [Theory]
    [InlineData("clip-vit-b32")]
    [InlineData("ALL-MINILM-L6-V2")]
    [InlineData("")]
    public void RefusesUnknownNamesNamingTheKnownOnes(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => TextEncoders.Create(name));
        Assert.Contains($"unknown text encoder '{name}'", e.Message);
        Assert.Contains("all-MiniLM-L6-v2", e.Message);
    }
}
