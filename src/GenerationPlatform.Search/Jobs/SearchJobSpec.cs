using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Jobs;

/// <summary>
/// A job request once checked, with everything it resolved: the model's description, the parsed algorithm and what it
/// will do with the budget, the verifiers in their one spelling with what they can score and cost, and the search
/// request itself. Whoever runs the job trusts it.
/// </summary>
/// <param name="AlgorithmSpec">The algorithm with every parameter that has a value (<see cref="AlgorithmCatalog.SpecOf"/>): what ran, as results show it.</param>
/// <param name="Verifiers">The optimized verifier first, then the reported ones; canonical names.</param>
/// <param name="Scopes">What each of <paramref name="Verifiers"/> can score and costs, index for index.</param>
/// <param name="VerifierNfe">The most its verifiers can cost, in NFE-equivalents of the model: every image the plan sends them, by
/// every verifier (at its noisy cost where dearer, when the search ranks x0-predictions), over the model's FLOPs per NFE, rounded up.</param>
/// <param name="Previews">How many of the best candidates each progress report shows as a small picture (0: none).</param>
public sealed record SearchJobSpec(
    ModelDescription Model,
    string AlgorithmSpec,
    ISearchAlgorithm Algorithm,
    SearchPlan Plan,
    IReadOnlyList<string> Verifiers,
    IReadOnlyList<VerifierScope> Scopes,
    SearchRequest Request,
    TimeSpan? Deadline,
    long VerifierNfe,
    int Previews = 0)
{
    public string Verifier => Verifiers[0];

    public IReadOnlyList<string> ReportedVerifiers => Verifiers.Skip(1).ToArray();
}
