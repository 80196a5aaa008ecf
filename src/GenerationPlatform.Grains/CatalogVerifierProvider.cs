using GenerationPlatform.Verifiers;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

/// <summary>Verifiers from <see cref="VerifierCatalog"/> (models loaded once, shared).</summary>
public sealed class CatalogVerifierProvider(VerifierCatalog catalog) : IVerifierProvider
{
    public IImageVerifier Get(string verifier) => catalog.Get(verifier);
}
