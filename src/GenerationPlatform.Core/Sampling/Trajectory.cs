namespace GenerationPlatform.Core.Sampling;

public enum SamplerKind
{
    /// <summary>First order, 1 NFE per step.</summary>
    Euler,
    /// <summary>Second order, 2 NFE per step except an Euler last step onto t = 0 (2S - 1 NFE for S steps).</summary>
    Heun,
    /// <summary>The stochastic step of SEARCH.md section 2 with noise scale eta, 1 NFE per step.</summary>
    Stochastic,
}

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

/// <summary>
/// An x0-prediction x_t - t v(x_t, t) captured on the way down, from the first model evaluation at or below the
/// requested time (a step's start, Heun's corrector at a segment's end, or the end evaluation of
/// <see cref="TrajectorySpec.EvaluatesAtEnd"/>): <see cref="Time"/> is the time of that evaluation, never an earlier one.
/// </summary>
public sealed record X0Prediction(float RequestedTime, float Time, float[] Image);

/// <summary>
/// One trajectory being integrated: a small state machine that asks for one velocity at a time, so
/// a batcher can advance many trajectories, each at its own time and stage, with one model call.
/// </summary>
public sealed class Trajectory
{
    private readonly float[] times;
    private readonly float[] x;
    private float[]? firstSlope, predicted;
    private int step, nextCapture;
    private readonly float[] captureTimes;
    private readonly bool evaluatesAtEnd;
    private bool endEvaluated;

    /// <param name="stateSize">Values of one state of the model that will run it (<see cref="Core.Model.ImageShape.Size"/>).</param>
    public Trajectory(TrajectorySpec spec, int stateSize)
    {
        spec.Validate(stateSize);
        Spec = spec;
        times = new float[spec.Steps + 1];
        for (int i = 0; i <= spec.Steps; i++) times[i] = spec.GridTime(i);
        evaluatesAtEnd = spec.EvaluatesAtEnd;
        x = spec.InitialState is { } s ? (float[])s.Clone() : spec.Seed.Normal(stateSize);
        captureTimes = (spec.X0Times ?? []).OrderByDescending(t => t).ToArray();
    }

    public TrajectorySpec Spec { get; }
    public int Nfe { get; private set; }
    public bool IsDone => step >= Spec.Steps && (!evaluatesAtEnd || endEvaluated);
    /// <summary>The time of the current state (t_to once done).</summary>
    public float Time => times[Math.Min(step, Spec.Steps)];
    /// <summary>The current state (the image, in [-1, 1] nominally, once done).</summary>
    public ReadOnlySpan<float> State => x;
    public List<X0Prediction> X0Predictions { get; } = [];

    /// <summary>The point and time at which the next velocity is needed.</summary>
    public (float[] Point, float T) NextQuery() =>
        IsDone ? throw new InvalidOperationException("trajectory is done")
        : step >= Spec.Steps ? (x, Spec.TTo)
        : predicted is not null ? (predicted, times[step + 1]) : (x, times[step]);

    /// <summary>Consumes the velocity at the point given by <see cref="NextQuery"/>.</summary>
    public void Advance(ReadOnlySpan<float> v)
    {
        if (IsDone) throw new InvalidOperationException("trajectory is done");
        if (v.Length != x.Length) throw new ArgumentException($"velocity has {v.Length} values, expected {x.Length}");
        Nfe++;
        if (step >= Spec.Steps)
        {
            // The end evaluation: an x0-prediction at t_to from the state at t_to; the state does not move.
            Capture(Spec.TTo, x, v);
            endEvaluated = true;
            return;
        }
        float t = times[step], tNext = times[step + 1], h = tNext - t;
        if (predicted is not null)
        {
            // The corrector evaluates at t_next: at the segment's end it gives the x0-prediction at t_to for free
            // (inside a segment, the next step's own evaluation at the corrected state gives it instead).
            if (step + 1 == Spec.Steps) Capture(tNext, predicted, v);
            // Heun corrector: average of the slopes at both ends.
            for (int i = 0; i < x.Length; i++) x[i] += 0.5f * h * (firstSlope![i] + v[i]);
            predicted = null;
            firstSlope = null;
            step++;
            return;
        }
        Capture(t, x, v);
        switch (Spec.Sampler)
        {
            case SamplerKind.Euler:
                for (int i = 0; i < x.Length; i++) x[i] += h * v[i];
                step++;
                break;
            case SamplerKind.Heun when tNext == 0f:
                for (int i = 0; i < x.Length; i++) x[i] += h * v[i]; // the last step onto t = 0 is Euler
                step++;
                break;
            case SamplerKind.Heun:
                firstSlope = v.ToArray();
                predicted = new float[x.Length];
                for (int i = 0; i < x.Length; i++) predicted[i] = x[i] + h * v[i];
                break;
            case SamplerKind.Stochastic:
                StochasticStep(v, t, tNext);
                step++;
                break;
        }
    }

    private void StochasticStep(ReadOnlySpan<float> v, float t, float tNext)
    {
        // SEARCH.md section 2: x_t' = (1 - t') x0_hat + sqrt(t'^2 - s^2) eps_hat + s z, s step-size consistent.
        double s = FlowInterpolant.StochasticNoise(Spec.Eta, t, tNext);
        float a = 1f - tNext, b = (float)Math.Sqrt(tNext * (double)tNext - s * s);
        float[]? z = s > 0 ? Spec.Seed.Normal(x.Length, NoiseSeed.StepStream(Spec.StepOffset + step)) : null;
        for (int i = 0; i < x.Length; i++)
        {
            float x0 = x[i] - t * v[i], eps = x[i] + (1f - t) * v[i];
            x[i] = a * x0 + b * eps + (z is null ? 0f : (float)s * z[i]);
        }
    }

    /// <summary>Captures x0_hat = point - t v for every requested time at or above t not captured yet (v was evaluated at point, t).</summary>
    private void Capture(float t, ReadOnlySpan<float> point, ReadOnlySpan<float> v)
    {
        while (nextCapture < captureTimes.Length && t <= captureTimes[nextCapture] + TrajectorySpec.CaptureTolerance)
        {
            var x0 = new float[point.Length];
            for (int i = 0; i < point.Length; i++) x0[i] = point[i] - t * v[i];
            X0Predictions.Add(new X0Prediction(captureTimes[nextCapture], t, x0));
            nextCapture++;
        }
    }
}
