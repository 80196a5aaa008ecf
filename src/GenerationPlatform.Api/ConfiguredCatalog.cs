using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Api;

/// <summary>
/// The configured models (GenerationPlatform:Models, read from their manifests) and the verifiers the host serves
/// (<see cref="IServedVerifiers"/>: the built-in ones and the <c>onnx:NAME</c> ones registered under
/// GenerationPlatform:Verifiers, described from the registry the silo's verifier catalogue builds them from).
/// </summary>
public sealed class ConfiguredCatalog(ModelCatalogue models, IServedVerifiers verifiers) : IServedCatalog
{
    public IReadOnlyList<ModelDescription> Models => models.Models;

    public IReadOnlyList<VerifierDescription> Verifiers => verifiers.Verifiers;

    public ModelDescription? Model(string name) => models.Describe(name);
}
