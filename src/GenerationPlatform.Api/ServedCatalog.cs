using GenerationPlatform.Grains;
using GenerationPlatform.Verifiers;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

public sealed record ServedModel(string Name, string Description);

public sealed record ServedVerifier(string Name, string Description);

/// <summary>What a request may name: the edge answers NOT_FOUND for anything else before a job exists.</summary>
public interface IServedCatalog
{
    IReadOnlyList<ServedModel> Models { get; }

    IReadOnlyList<ServedVerifier> Verifiers { get; }

    bool ServesModel(string model);

    /// <summary>A base verifier name or an <c>ensemble(a, b, ...)</c> of known verifiers.</summary>
    bool KnowsVerifier(string verifier);
}

/// <summary>The configured models (GenerationPlatform:Models, plus the shipped network) and the verifier catalog.</summary>
public sealed class ConfiguredCatalog(IOptions<ModelOptions> models) : IServedCatalog
{
    private static readonly Dictionary<string, string> VerifierDescriptions = new(StringComparer.Ordinal)
    {
        ["classifier"] = "log-probability of the requested class under the shipped Fashion-MNIST classifier",
        ["class-gaussian"] = "likelihood of the classifier's features under the requested class's Gaussian",
        ["resnet-probe"] = "ImageNet ResNet-18 features with a trained linear probe for the class",
        ["self-consistency"] = "agreement of ResNet-18 features of the image and its probe x0-prediction",
    };

    public IReadOnlyList<ServedModel> Models { get; } = models.Value.Paths.Keys.Append(ModelOptions.ShippedModel).Distinct(StringComparer.Ordinal)
        .Select(m => new ServedModel(m, m == ModelOptions.ShippedModel ? "the shipped flow-matching velocity U-Net (Fashion-MNIST, 28x28)" : "a configured velocity network"))
        .ToArray();

    public IReadOnlyList<ServedVerifier> Verifiers { get; } =
        VerifierCatalog.BaseNames.Select(n => new ServedVerifier(n, VerifierDescriptions.GetValueOrDefault(n, n))).ToArray();

    public bool ServesModel(string model) => Models.Any(m => m.Name == model);

    public bool KnowsVerifier(string verifier) => VerifierSpec.Known(verifier, name => VerifierCatalog.BaseNames.Contains(name));
}

/// <summary>The grammar of verifier names: a base name, or <c>ensemble(spec, spec, ...)</c> (whitespace and case ignored).</summary>
public static class VerifierSpec
{
    public static bool Known(string spec, Func<string, bool> isBase, int depth = 0)
    {
        var name = new string(spec.Where(c => !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray());
        if (!name.StartsWith("ensemble(", StringComparison.Ordinal) || !name.EndsWith(')')) return name.Length > 0 && isBase(name);
        if (depth > 4) return false;
        var members = Members(name["ensemble(".Length..^1]).ToArray();
        return members.Length >= 2 && members.All(m => Known(m, isBase, depth + 1));
    }

    private static IEnumerable<string> Members(string inner)
    {
        int level = 0, start = 0;
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '(') level++;
            else if (inner[i] == ')') level--;
            else if (inner[i] == ',' && level == 0) { yield return inner[start..i]; start = i + 1; }
        }
        yield return inner[start..];
    }
}
