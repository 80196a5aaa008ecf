using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Api;

/// <summary>
/// The configured models (GenerationPlatform:Models, read from their manifests) and verifiers: the
/// catalog's built-in ones and the <c>onnx:NAME</c> verifiers registered under GenerationPlatform:Verifiers,
/// the same registry the silo's verifier catalog builds them from.
/// </summary>
public sealed class ConfiguredCatalog(ModelCatalogue models, IOptions<OnnxVerifierRegistry> onnx) : IServedCatalog
{
    private static readonly Dictionary<string, string> VerifierDescriptions = new(StringComparer.Ordinal)
    {
        ["classifier"] = "log-probability of the requested class under the shipped Fashion-MNIST classifier",
        ["class-gaussian"] = "likelihood of the classifier's features under the requested class's Gaussian",
        ["resnet-probe"] = "ImageNet ResNet-18 features with a trained linear probe for the class",
        ["self-consistency"] = "agreement of ResNet-18 features of the image and its probe x0-prediction",
        ["text-align"] = "cosine of the image's embedding (a contrastive encoder trained here) with the prompt's all-MiniLM-L6-v2 embedding (text models)",
        ["attributes"] = "the fraction of what the prompt asks (class, colour, orientation, surface) that the image meets, by the classifier and measurement functions (text models)",
    };

    public IReadOnlyList<ModelDescription> Models => models.Models;

    public IReadOnlyList<ServedVerifier> Verifiers { get; } =
        [.. VerifierNames.BaseNames.Select(n => new ServedVerifier(n, VerifierDescriptions.GetValueOrDefault(n, n))), .. OnnxVerifiers(onnx.Value)];

    /// <summary>
    /// The registered <c>onnx:NAME</c> verifiers by canonical name (registered names are case-insensitive). A name
    /// outside the spec grammar (say with a '+') could not be requested, so it is not listed.
    /// </summary>
    public static IEnumerable<ServedVerifier> OnnxVerifiers(OnnxVerifierRegistry registry) =>
        registry.Onnx.Keys
            .Select(n => VerifierNames.Canonical(VerifierNames.OnnxPrefix + n, out _))
            .OfType<string>()
            .Where(n => VerifierNames.Members(n).Count == 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(n => new ServedVerifier(n, "an operator's ONNX model, registered on the silos"));

    public ModelDescription? Describe(string model) => models.Describe(model);

    public bool ServesVerifier(string canonicalName) => Verifiers.Any(v => v.Name == canonicalName);
}
