using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Jobs;

/// <summary>What a job may name: the served models and verifiers (the server's configuration, or what the CLI loaded).</summary>
public interface ISearchJobCatalog
{
    /// <summary>The served models' names, for messages.</summary>
    IReadOnlyList<string> ModelNames { get; }

    /// <summary>The served model of that name, or null.</summary>
    ModelDescription? Model(string name);

    /// <summary>The served base verifiers (no ensembles), by canonical name: what messages and listings name.</summary>
    IReadOnlyList<VerifierDescription> Verifiers { get; }

    /// <summary>The served base verifier of that canonical name, or null.</summary>
    VerifierDescription? Verifier(string canonicalName) => Verifiers.FirstOrDefault(v => v.Name == canonicalName);
}
