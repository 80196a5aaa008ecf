namespace GenerationPlatform.Text;

/// <summary>
/// Checks what a parsed prompt asks against an RGB image (3x28x28, channel-major, [-1, 1]), with the measurement
/// functions of <see cref="FashionMeasurements"/>: the role of the VQA / LLM grader for the <c>attributes</c> verifier.
/// <list type="bullet">
/// <item>class: met when <c>predictedClass</c> (the caller's classifier on <see cref="ColourFashion.Luminance"/>) equals it; never met without a prediction.</item>
/// <item>colour: met when <see cref="FashionMeasurements.MeasureColour"/> names it with at least the minimum confidence.</item>
/// <item>orientation: met when <see cref="FashionMeasurements.MeasureOrientation"/> finds the toe on that side.</item>
/// <item>surface: met when <see cref="FashionMeasurements.MeasureSurface"/> says so, with the tertiles of the asked class
/// (or the predicted class when the prompt asks none; never met when neither is known).</item>
/// </list>
/// </summary>
public static class AttributeCheck
{
    public static AttributeScore Score(ParsedPrompt prompt, ReadOnlySpan<float> rgb, int? predictedClass)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (rgb.Length != ColourFashion.RgbLength)
            throw new ArgumentException($"an RGB image has {ColourFashion.RgbLength} values (3x28x28, channel-major), not {rgb.Length}", nameof(rgb));
        if (predictedClass is { } p) FashionClasses.Check(p);
        if (!prompt.Understood) return new AttributeScore(0, 0, false, [], prompt.Unparsed);

        var checks = new List<PropertyCheck>();
        if (prompt.Class is { } asked)
        {
            var found = predictedClass is { } pc ? FashionClasses.Names[pc] : null;
            checks.Add(new PropertyCheck("class", FashionClasses.Names[asked], found, predictedClass == asked));
        }
        if (prompt.Colour is { } colour)
        {
            var m = FashionMeasurements.MeasureColour(rgb);
            var found = m.IsConfident ? m.Colour : null;
            checks.Add(new PropertyCheck("colour", colour, found, found == colour));
        }
        if (prompt.Orientation is { } orientation)
        {
            var found = FashionMeasurements.MeasureOrientation(rgb).Orientation;
            checks.Add(new PropertyCheck("orientation", orientation, found, found == orientation));
        }
        if (prompt.Surface is { } surface)
        {
            string? found = (prompt.Class ?? predictedClass) is { } cls ? FashionMeasurements.MeasureSurface(rgb, cls).Surface : null;
            checks.Add(new PropertyCheck("surface", surface, found, found == surface));
        }
        return new AttributeScore(checks.Count(c => c.Met), checks.Count, true, checks, []);
    }
}
