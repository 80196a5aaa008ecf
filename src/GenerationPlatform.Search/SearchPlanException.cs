namespace GenerationPlatform.Search;

/// <summary>A search that cannot run as asked: says which field and, for algorithm parameters, which one.</summary>
public sealed class SearchPlanException(SearchPlanField field, string? parameter, string message, Exception? inner = null)
    : ArgumentException(message, parameter, inner)
{
    public SearchPlanField Field { get; } = field;
    public string? Parameter { get; } = parameter;
}
