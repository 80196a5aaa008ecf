using GenerationPlatform.Verifiers;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

/// <summary>The verifier for a verifier name; the silo uses the catalog, tests hand in cheap ones.</summary>
public interface IVerifierProvider
{
    /// <summary>Throws <see cref="UnknownVerifierException"/> for an unknown name.</summary>
    IImageVerifier Get(string verifier);
}
