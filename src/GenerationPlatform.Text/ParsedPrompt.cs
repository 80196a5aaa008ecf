namespace GenerationPlatform.Text;

/// <summary>
/// What <see cref="PromptParser.Parse"/> read a prompt as asking. <see cref="Understood"/> is false when the prompt asks
/// nothing recognisable or anything the checks cannot judge (an unknown word, a colour outside the palette, a negation,
/// two classes, ...): then <see cref="Unparsed"/> says why, and no score should be given as if it were understood.
/// </summary>
/// <param name="Class">The Fashion-MNIST label asked for, or null.</param>
/// <param name="Colour">A palette colour name, or null.</param>
/// <param name="Orientation">Left or right (the toe), or null.</param>
/// <param name="Surface">Plain or patterned, or null.</param>
/// <param name="Understood">Everything in the prompt was recognised and it asks at least one property.</param>
/// <param name="Unparsed">The reasons it was not understood (unknown words, unsupported or conflicting requests); empty when understood.</param>
public sealed record ParsedPrompt(int? Class, string? Colour, string? Orientation, string? Surface, bool Understood, IReadOnlyList<string> Unparsed)
{
    /// <summary>How many properties the prompt asks (class included).</summary>
    public int Asked => (Class is null ? 0 : 1) + (Colour is null ? 0 : 1) + (Orientation is null ? 0 : 1) + (Surface is null ? 0 : 1);
}
