namespace GenerationPlatform.Evaluation;

/// <summary>One line of a scaling panel; <paramref name="ColorIndex"/> picks the Category10 colour of a <see cref="NfeLineStyle.Series"/> line.</summary>
internal sealed record NfeLine(string Label, IReadOnlyList<NfePoint> Points, NfeLineStyle Style = NfeLineStyle.Series, int ColorIndex = 0);
