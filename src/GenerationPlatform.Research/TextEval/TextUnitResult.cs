namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// One (prompt, seed) unit's outcome in one series at one budget: <paramref name="Seed"/> is the seed's index for its prompt,
/// <paramref name="UnitSeed"/> the request seed that regenerates it (<see cref="TextSeriesRun.UnitSeed"/>; null in files
/// written before it was recorded); the image as base64 of its 8-bit pixels (empty in records kept without images).
/// </summary>
internal sealed record TextUnitResult(string PromptId, string Category, int Seed, bool AllMet, double Fraction, bool ClassCorrect, double TextAlign,
    long Nfe, double Seconds, int Predicted, string Image, ulong? UnitSeed = null);
