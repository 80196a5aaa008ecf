namespace GenerationPlatform.Search.Jobs;

/// <summary>
/// A job request that cannot run as asked. <see cref="Field"/> is the request field at fault (<see cref="SearchJobField"/>),
/// <see cref="Parameter"/> the algorithm parameter when it is one; <see cref="NotFound"/> says the request is well formed
/// but names a model, algorithm or verifier that is not served. The message starts with neither: callers prefix the
/// field in their own spelling (<c>budget_nfe:</c> over the API, <c>--budget-nfe:</c> in the CLI).
/// </summary>
public sealed class SearchJobException(string field, string message, bool notFound = false, string? parameter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Field { get; } = field;
    public bool NotFound { get; } = notFound;
    public string? Parameter { get; } = parameter;
}
