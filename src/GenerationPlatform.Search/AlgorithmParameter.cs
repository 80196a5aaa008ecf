namespace GenerationPlatform.Search;

/// <summary>
/// One parameter of a search algorithm, as a caller may set it in a spec (<c>paths(renoisings=3)</c>): its kebab-case name,
/// its kind ("integer", "number", "list" of numbers, or "choice" of <see cref="Choices"/>), its default as a spec writes it
/// (empty: chosen from the budget), and what it does. Ranges are checked when a spec is planned.
/// </summary>
public sealed record AlgorithmParameter(string Name, string Kind, string Default, IReadOnlyList<string> Choices, string Description);
