namespace GenerationPlatform.Core.Sampling;

/// <summary>
/// What to integrate: the noise (or a state), the segment [t_from -> t_to], sampler, condition (a class
/// label, or a prompt embedding for text models) and guidance. The state's shape is the model's.
/// </summary>
public sealed record TrajectorySpec(
    NoiseSeed Seed,
    int Label,
    float Guidance,
    SamplerKind Sampler,
    int Steps,
    float TFrom = 1f,
    float TTo = 0f,
    float Eta = 0f,
    IReadOnlyList<float>? X0Times = null,
    float[]? InitialState = null,
    int StepOffset = 0,
    float[]? Embedding = null)
{
    // StepOffset: index of this segment's first step in the whole run, so per-step noise of a
    // stochastic sampler never repeats across segments of one trajectory.

    /// <summary>The most sampler steps one trajectory or segment may take.</summary>
    public const int MaxSteps = 1000;

    /// <summary>Captures of x0-predictions one trajectory may ask for.</summary>
    public const int MaxX0Captures = 64;

    /// <summary>Time of grid point <paramref name="i"/> of this segment (0: t_from, Steps: t_to), as the trajectory steps through it.</summary>
    public float GridTime(int i) => i >= Steps ? TTo : TFrom + (TTo - TFrom) * i / Steps;

    /// <summary>
    /// One more model evaluation at t_to after the last step: asked for when an x0-prediction is wanted at a
    /// time in [t_to, t of the last step's start), which Euler and stochastic steps never evaluate (they
    /// evaluate at the start of each step only; Heun's corrector evaluates at t_to for free).
    /// </summary>
    public bool EvaluatesAtEnd => TTo > 0f && Sampler != SamplerKind.Heun && Steps > 0
        && (X0Times?.Any(t => t >= TTo - CaptureTolerance && t < GridTime(Steps - 1) - CaptureTolerance) ?? false);

    /// <summary>How close a model evaluation's time must be to a requested capture time to count as at it.</summary>
    public const float CaptureTolerance = 1e-6f;

    /// <summary>Exact NFE this trajectory will cost (per sample, not counting the guidance branch); checked, never wraps.</summary>
    public int Nfe => checked((Sampler == SamplerKind.Heun ? 2 * Steps - (TTo == 0f ? 1 : 0) : Steps) + (EvaluatesAtEnd ? 1 : 0));

    /// <summary>Single-sample network evaluations, counting the unconditional branch of guidance.</summary>
    public int ModelEvaluations => checked(Nfe * (Guidance != 1f ? 2 : 1));

    /// <param name="stateSize">Values of one state of the model that will run it.</param>
    public void Validate(int stateSize)
    {
        if (Steps is <= 0 or > MaxSteps) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"steps must be between 1 and {MaxSteps}");
        if (X0Times is { Count: > MaxX0Captures }) throw new ArgumentOutOfRangeException(nameof(X0Times), X0Times.Count, $"at most {MaxX0Captures} x0-captures");
        if (X0Times is not null && X0Times.Any(t => !float.IsFinite(t))) throw new ArgumentOutOfRangeException(nameof(X0Times), "x0-capture times must be finite");
        if (!(TFrom > TTo) || TFrom > 1f || TTo < 0f) throw new ArgumentOutOfRangeException(nameof(TFrom), $"segment must satisfy 1 >= t_from > t_to >= 0 (got {TFrom} -> {TTo})");
        if (!(Eta >= 0f && Eta <= 1f)) throw new ArgumentOutOfRangeException(nameof(Eta), Eta, "eta must be in [0, 1]");
        if (!float.IsFinite(Guidance) || Guidance < 0f) throw new ArgumentOutOfRangeException(nameof(Guidance), Guidance, "guidance must be >= 0");
        if (InitialState is null && TFrom != 1f) throw new ArgumentException("a segment that does not start at t = 1 needs an initial state", nameof(InitialState));
        if (StepOffset < 0) throw new ArgumentOutOfRangeException(nameof(StepOffset), StepOffset, "step offset must be >= 0");
        if (InitialState is not null && InitialState.Length != stateSize) throw new ArgumentException($"initial state must have {stateSize} values", nameof(InitialState));
        if (Embedding is not null && (Embedding.Length is 0 or > 8192 || Embedding.Any(v => !float.IsFinite(v))))
            throw new ArgumentException("a prompt embedding must have 1 to 8192 finite values", nameof(Embedding));
    }
}
