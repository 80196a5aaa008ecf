namespace GenerationPlatform.Core.Sampling;

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
