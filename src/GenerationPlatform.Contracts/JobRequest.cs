namespace GenerationPlatform.Contracts;

/// <summary>A search job as a tenant asks for it (validated at the edge before it gets here).</summary>
[GenerateSerializer, Immutable]
public sealed record JobRequest(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Algorithm,
    [property: Id(3)] string Verifier,
    [property: Id(4)] int Label,
    [property: Id(5)] float Guidance,
    [property: Id(6)] ulong Seed,
    [property: Id(7)] long BudgetNfe,
    [property: Id(8)] int TopK = 4,
    [property: Id(9)] Sampler Sampler = Sampler.Heun,
    [property: Id(10)] int Steps = 10,
    [property: Id(11)] float Eta = 0f,
    /// <summary>How long the job may run from its acceptance; null: no deadline.</summary>
    [property: Id(12)] TimeSpan? Deadline = null,
    /// <summary>Verifiers that are only reported, not optimized.</summary>
    [property: Id(13)] string[]? ReportedVerifiers = null,
    /// <summary>The prompt of a text model's job (Label is then -1).</summary>
    [property: Id(14)] string? Prompt = null,
    /// <summary>Adaptive budget: stop once the best score reaches this.</summary>
    [property: Id(15)] double? TargetScore = null,
    /// <summary>Adaptive budget: stop after this many rounds without a better best score.</summary>
    [property: Id(16)] int? Patience = null);
