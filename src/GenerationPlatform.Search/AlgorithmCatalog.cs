using GenerationPlatform.Search.Algorithms;

namespace GenerationPlatform.Search;

/// <summary>The search algorithms by name, with their documented defaults.</summary>
public static class AlgorithmCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["random", "zero-order", "paths", "particles", "pruned"];

    public static ISearchAlgorithm Create(string name) => name.Trim().ToLowerInvariant() switch
    {
        "random" => new RandomSearch(),
        "zero-order" => new ZeroOrderSearch(),
        "paths" => new PathSearch(),
        "particles" => new ParticleSearch(),
        "pruned" => new PrunedSearch(),
        _ => throw new ArgumentException($"unknown algorithm '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
