namespace GenerationPlatform.Contracts;

/// <summary>
/// A search job as the edge validated it (GenerationPlatform.Search.Jobs.SearchJobValidation): the grains trust it and
/// check nothing it settles. The model is described as the edge found it in the served catalogue, the verifiers carry
/// their one spelling, and the algorithm is the spec the edge parsed and planned.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobSpec(
    [property: Id(0)] string TenantId,
    [property: Id(1)] ModelSummary Model,
    /// <summary>The algorithm with every parameter that has a value (<c>paths(renoisings=3,t-start=0.7,...)</c>): what ran, as results show it.</summary>
    [property: Id(2)] string Algorithm,
    /// <summary>The algorithm's name alone (<c>paths</c>): what metrics are labelled with.</summary>
    [property: Id(3)] string AlgorithmName,
    /// <summary>The optimized verifier, canonical.</summary>
    [property: Id(4)] string Verifier,
    /// <summary>Verifiers whose scores are reported, not optimized; canonical, distinct, without the optimized one.</summary>
    [property: Id(5)] string[] ReportedVerifiers,
    /// <summary>The class of a class model's job; -1 for a text model's (its <see cref="Prompt"/>).</summary>
    [property: Id(6)] int Label,
    [property: Id(7)] string? Prompt,
    [property: Id(8)] float Guidance,
    [property: Id(9)] ulong Seed,
    [property: Id(10)] long BudgetNfe,
    [property: Id(11)] int TopK,
    [property: Id(12)] Sampler Sampler,
    [property: Id(13)] int Steps,
    [property: Id(14)] float Eta,
    /// <summary>How long the job may run from its acceptance; null: no deadline.</summary>
    [property: Id(15)] TimeSpan? Deadline = null,
    /// <summary>Adaptive budget: stop once the best score reaches this.</summary>
    [property: Id(16)] double? TargetScore = null,
    /// <summary>Adaptive budget: stop after this many rounds without a better best score.</summary>
    [property: Id(17)] int? Patience = null,
    /// <summary>The most its verifiers can cost, in NFE-equivalents of its model (planned at the edge): reserved at admission.</summary>
    [property: Id(18)] long VerifierNfe = 0,
    /// <summary>How many of the best candidates each progress event shows as a small picture (0: none).</summary>
    [property: Id(19)] int Previews = 0)
{
    /// <summary>The model's name: what its denoisers are found by.</summary>
    public string ModelName => Model.Name;

    /// <summary>What the job reserves when admitted: its whole budget and its planned verification.</summary>
    public JobCost Planned => new(BudgetNfe, VerifierNfe);

    /// <summary>The optimized verifier, then the reported ones.</summary>
    public string[] Verifiers => [Verifier, .. ReportedVerifiers];
}
