using GenerationPlatform.Core.Model;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Jobs;

namespace GenerationPlatform.Api;

/// <summary>
/// What a request may name: the one catalogue of models, algorithms and verifiers the edge validates against
/// (<see cref="SearchJobValidation"/>) and ListModels/ListVerifiers list. The edge answers NOT_FOUND for anything else
/// before a job exists.
/// </summary>
public interface IServedCatalog : ISearchJobCatalog
{
    IReadOnlyList<ModelDescription> Models { get; }

    /// <summary>The search algorithms (their parameters are <see cref="AlgorithmCatalog"/>'s to check).</summary>
    IReadOnlyList<string> Algorithms => AlgorithmCatalog.Names;

    IReadOnlyList<string> ISearchJobCatalog.ModelNames => Models.Select(m => m.Name).ToArray();

    ModelDescription? ISearchJobCatalog.Model(string name) => Models.FirstOrDefault(m => m.Name == name);
}
