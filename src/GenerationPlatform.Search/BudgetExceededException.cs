namespace GenerationPlatform.Search;

/// <summary>Thrown when work would spend more NFE than the budget allows: a bug in an algorithm, never tolerated.</summary>
public sealed class BudgetExceededException(string message) : InvalidOperationException(message);
