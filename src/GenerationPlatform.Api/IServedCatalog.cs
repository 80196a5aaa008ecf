using GenerationPlatform.Search;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Api;

/// <summary>
/// What a request may name: the one catalogue of models, algorithms and verifiers the edge validates
/// against and ListModels/ListVerifiers list. The edge answers NOT_FOUND for anything else before a job exists.
/// </summary>
public interface IServedCatalog
{
    IReadOnlyList<ModelDescription> Models { get; }

    /// <summary>The base verifiers by canonical name (<see cref="VerifierNames.Canonical"/>); ensembles of them are served too.</summary>
    IReadOnlyList<ServedVerifier> Verifiers { get; }

    /// <summary>The search algorithms (their parameters are <see cref="AlgorithmCatalog"/>'s to check).</summary>
    IReadOnlyList<string> Algorithms => AlgorithmCatalog.Names;

    /// <summary>The served model of that name (its shapes and conditioning), or null.</summary>
    ModelDescription? Describe(string model);

    /// <summary>Whether a base verifier is served, given its canonical name (no ensembles).</summary>
    bool ServesVerifier(string canonicalName);
}
