namespace GenerationPlatform.Evaluation;

/// <summary>
/// One `eval-text` series at one budget: <paramref name="Algorithm"/> is `none` (no search), `steps` (more sampler steps at the
/// same NFE) or a search algorithm, <paramref name="Verifier"/> the verifier it searched with (null for none and steps).
/// </summary>
public sealed record TextSeries(string Algorithm, string? Verifier, int Extra, IReadOnlyList<TextUnit> Units);
