using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>
/// What every search shares: the condition (a class label, or for text models the prompt and its
/// embedding, prepared before the search runs), how to sample, the seed, the budget and how many results to return.
/// </summary>
public sealed record SearchRequest(
    int Label,
    float Guidance,
    ulong Seed,
    long BudgetNfe,
    int TopK = 4,
    SamplerKind Sampler = SamplerKind.Heun,
    int Steps = 10,
    float Eta = 0f,
    string? Prompt = null,
    float[]? Embedding = null,
    /// <summary>Stop once the best primary score reaches this (adaptive budget); null: spend the plan.</summary>
    double? TargetScore = null,
    /// <summary>Stop after this many rounds without a better best primary score; null: spend the plan.</summary>
    int? Patience = null)
{
    /// <summary>The algorithms whose rounds each end with finished, scored images, so a search may stop between them.</summary>
    public static IReadOnlyList<string> StoppableAlgorithms { get; } = ["random", "zero-order"];

    public bool StopsEarly => TargetScore is not null || Patience is not null;

    /// <summary>Throws <see cref="SearchPlanException"/> naming the first field outside <see cref="SearchLimits"/>.</summary>
    public void Validate()
    {
        if (BudgetNfe is < 1 or > SearchLimits.MaxBudgetNfe)
            throw new SearchPlanException(SearchPlanField.Budget, null, $"the budget must be between 1 and {SearchLimits.MaxBudgetNfe} NFE");
        if (Steps is < 1 or > SearchLimits.MaxSteps)
            throw new SearchPlanException(SearchPlanField.Steps, null, $"steps must be between 1 and {SearchLimits.MaxSteps}");
        if (TopK is < 1 or > SearchLimits.MaxTopK)
            throw new SearchPlanException(SearchPlanField.TopK, null, $"top-k must be between 1 and {SearchLimits.MaxTopK}");
        if (TargetScore is { } target && !double.IsFinite(target))
            throw new SearchPlanException(SearchPlanField.TargetScore, null, "the target score must be a finite number");
        if (Patience is < 1 or > SearchLimits.MaxRounds)
            throw new SearchPlanException(SearchPlanField.Patience, null, $"patience must be between 1 and {SearchLimits.MaxRounds} rounds");
    }

    /// <summary>NFE of one full denoising with this request's sampler and steps.</summary>
    public int SampleNfe => new TrajectorySpec(default, Label, Guidance, Sampler, Steps).Nfe;

    public TrajectorySpec Full(NoiseSeed seed, float[]? initial = null, IReadOnlyList<float>? x0Times = null) =>
        new(seed, Label, Guidance, Sampler, Steps, Eta: Sampler == SamplerKind.Stochastic ? Eta : 0f, X0Times: x0Times, InitialState: initial, Embedding: Embedding);

    /// <summary>Time of step <paramref name="step"/> on this request's uniform grid (step 0 is t = 1).</summary>
    public float GridTime(int step) => step >= Steps ? 0f : 1f - step / (float)Steps;

    /// <summary>
    /// Steps [from, to) of the full grid as one segment, returning the x0-prediction at its end time
    /// (from a model evaluation at that time: free with Heun's corrector, one more NFE with Euler and
    /// stochastic steps, counted in its NFE). The state must be given unless the segment starts at t = 1.
    /// </summary>
    public TrajectorySpec Segment(NoiseSeed seed, float[]? state, int from, int to) =>
        new(seed, Label, Guidance, Sampler, to - from, GridTime(from), GridTime(to),
            Eta: Sampler == SamplerKind.Stochastic ? Eta : 0f,
            X0Times: [GridTime(to)], InitialState: state, StepOffset: from, Embedding: Embedding);

    /// <summary>NFE of steps [from, to) for one trajectory.</summary>
    public int SegmentNfe(int from, int to) => Segment(default, null, from, to).Nfe;
}
