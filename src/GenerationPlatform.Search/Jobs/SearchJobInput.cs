using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Jobs;

/// <summary>
/// A search job as a caller asks for it, before anything is checked: the gRPC and HTTP/JSON edge and the CLI both fill
/// one in and hand it to <see cref="SearchJobValidation"/>. Null means "not given": the model's or the platform's
/// default applies.
/// </summary>
public sealed record SearchJobInput(
    string? Model,
    string? Class,
    string? Prompt,
    string? Algorithm,
    string? Verifier,
    IReadOnlyList<string>? ReportedVerifiers,
    long BudgetNfe,
    int? TopK = null,
    SamplerKind? Sampler = null,
    int? Steps = null,
    float? Guidance = null,
    float? Eta = null,
    ulong? Seed = null,
    TimeSpan? Deadline = null,
    double? TargetScore = null,
    int? Patience = null,
    int? Previews = null);
