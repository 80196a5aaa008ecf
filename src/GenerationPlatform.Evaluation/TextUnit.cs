namespace GenerationPlatform.Evaluation;

/// <summary>One (prompt, seed) unit of a prompt-benchmark series (a row of an `eval-text` TSV, without its image).</summary>
public sealed record TextUnit(string PromptId, string Category, int Seed, bool AllMet, double Fraction, bool ClassCorrect, double TextAlign, long Nfe);
