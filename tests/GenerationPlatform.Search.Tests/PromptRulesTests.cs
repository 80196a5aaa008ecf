using GenerationPlatform.Core.Text;

namespace GenerationPlatform.Search.Tests;

/// <summary>Prompts: invisible format characters (bidirectional controls, zero-width characters, the rest of Cf) are refused naming the code point.</summary>
public sealed class PromptRulesTests
{
    [Theory]
    [InlineData(0x202A)] // LEFT-TO-RIGHT EMBEDDING
    [InlineData(0x202B)]
    [InlineData(0x202C)]
    [InlineData(0x202D)]
    [InlineData(0x202E)] // RIGHT-TO-LEFT OVERRIDE
    [InlineData(0x2066)] // LEFT-TO-RIGHT ISOLATE
    [InlineData(0x2067)]
    [InlineData(0x2068)]
    [InlineData(0x2069)] // POP DIRECTIONAL ISOLATE
    [InlineData(0x200E)] // LEFT-TO-RIGHT MARK
    [InlineData(0x200F)] // RIGHT-TO-LEFT MARK
    [InlineData(0x061C)] // ARABIC LETTER MARK
    [InlineData(0x200B)] // ZERO WIDTH SPACE
    [InlineData(0x200C)] // ZERO WIDTH NON-JOINER
    [InlineData(0x200D)] // ZERO WIDTH JOINER
    [InlineData(0x2060)] // WORD JOINER
    [InlineData(0xFEFF)] // ZERO WIDTH NO-BREAK SPACE (byte order mark)
    [InlineData(0x00AD)] // SOFT HYPHEN: Cf too
    [InlineData(0xE0041)] // TAG LATIN CAPITAL LETTER A: Cf outside the BMP (a surrogate pair)
    public void AFormatCharacterIsRefusedNamingItsCodePoint(int codePoint)
    {
        var character = char.ConvertFromUtf32(codePoint);
        foreach (var prompt in new[] { $"a red{character} dress", character + "a red dress", "a red dress" + character })
        {
            var problem = PromptRules.Problem(prompt);
            Assert.NotNull(problem);
            Assert.Contains($"U+{codePoint:X4}", problem);
        }
        Assert.Contains($"U+{codePoint:X4} at 5)", PromptRules.Problem($"a red{character} dress"));
    }

    [Theory]
    [InlineData("a red dress")]
    [InlineData("une robe rouge à pois")]
    [InlineData("فستان أحمر")] // right-to-left text itself is fine: only the invisible controls are refused
    [InlineData("赤いドレス")]
    [InlineData("a dress 👗")] // a surrogate pair that is a symbol, not a format character
    public void OrdinaryTextInAnyScriptIsAccepted(string prompt) => Assert.Null(PromptRules.Problem(prompt));

    [Fact]
    public void TheOtherRulesStillHold()
    {
        Assert.Contains("control", PromptRules.Problem("a red dress\u0007"));
        Assert.Contains("UTF-16", PromptRules.Problem("a red " + (char)0xD800 + "dress")); // built here: a test case's data would replace it
        Assert.Contains("blank", PromptRules.Problem("   "));
        Assert.Contains("at most 256", PromptRules.Problem(new string('a', 257)));
    }
}
