using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.Core;

namespace GenerationPlatform.Verifiers;

/// <summary>Thrown for a verifier name that is not known here; the message lists the known ones.</summary>
public sealed class UnknownVerifierException(string message) : Exception(message);

/// <summary>
/// Builds verifiers from their names: `classifier`, `class-gaussian`, and `ensemble(a, b, ...)` of
/// those. Models are loaded once, on first use, and shared by the verifiers built here.
/// </summary>
public sealed class VerifierCatalog : IDisposable
{
    private readonly Lazy<FashionClassifier> classifier;
    private readonly Lazy<FeatureStatistics> statistics;
    private readonly Dictionary<string, IImageVerifier> built = new(StringComparer.Ordinal);

    public VerifierCatalog(string? classifierPath = null, string? statisticsPath = null)
    {
        classifier = new(() => ClassifierFiles.Load(classifierPath));
        statistics = new(() => FeatureStatistics.Load(statisticsPath ?? ClassifierFiles.DefaultStatisticsPath));
    }

    public static IReadOnlyList<string> BaseNames { get; } = ["classifier", "class-gaussian"];

    /// <summary>Parses and builds a verifier; throws <see cref="UnknownVerifierException"/> for unknown names.</summary>
    public IImageVerifier Get(string spec)
    {
        var name = Normalize(spec);
        lock (built)
        {
            if (built.TryGetValue(name, out var existing)) return existing;
            IImageVerifier verifier = name switch
            {
                "classifier" => new ClassifierVerifier(classifier.Value),
                "class-gaussian" => new ClassGaussianVerifier(classifier.Value, statistics.Value),
                _ when name.StartsWith("ensemble(", StringComparison.Ordinal) && name.EndsWith(')') =>
                    new EnsembleVerifier(SplitMembers(name["ensemble(".Length..^1]).Select(Get).ToArray()),
                _ => throw new UnknownVerifierException($"unknown verifier '{spec}'; known: {string.Join(", ", BaseNames)}, ensemble(a, b, ...)"),
            };
            built[name] = verifier;
            return verifier;
        }
    }

    private static string Normalize(string spec) => new(spec.Where(c => !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray());

    private static IEnumerable<string> SplitMembers(string inner)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '(') depth++;
            else if (inner[i] == ')') depth--;
            else if (inner[i] == ',' && depth == 0) { yield return inner[start..i]; start = i + 1; }
        }
        yield return inner[start..];
    }

    public void Dispose()
    {
        foreach (var v in built.Values.OfType<IDisposable>()) v.Dispose();
        if (classifier.IsValueCreated) classifier.Value.Dispose();
        if (statistics.IsValueCreated) statistics.Value.Dispose();
    }
}
