using GenerationPlatform.Diffusion.Sampling;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class SamplerTests
{
    private static Trajectory[] Run(SamplerKind kind, int steps, int count = 3, float tTo = 0f, IVelocityField? field = null, int maxBatch = 256)
    {
        var ts = Enumerable.Range(0, count).Select(i => new Trajectory(new TrajectorySpec(new NoiseSeed(42, 0, (uint)i), i % 10, 1f, kind, steps, TTo: tTo), 784)).ToArray();
        new TrajectorySampler(field ?? new GaussianVelocityField(), maxBatch).Run(ts);
        return ts;
    }

    private static double MaxError(Trajectory[] ts, double sigma = 0.5, double t = 0)
    {
        double worst = 0;
        foreach (var tr in ts)
        {
            var exact = GaussianVelocityField.Exact(tr.Spec.Seed.Normal(784), tr.Spec.Label, sigma, t);
            for (int i = 0; i < exact.Length; i++) worst = Math.Max(worst, Math.Abs(exact[i] - tr.State[i]));
        }
        return worst;
    }

    [Theory]
    [InlineData(SamplerKind.Euler, 200, 3e-2)]
    [InlineData(SamplerKind.Heun, 50, 3e-3)]
    public void ConvergesToTheExactFlow(SamplerKind kind, int steps, double tolerance) =>
        Assert.True(MaxError(Run(kind, steps)) < tolerance, $"error {MaxError(Run(kind, steps))}");

    [Theory]
    [InlineData(SamplerKind.Euler, 1.0)]
    [InlineData(SamplerKind.Heun, 2.0)]
    public void OrderOfAccuracy(SamplerKind kind, double expectedOrder)
    {
        // Halving the step size divides the global error by 2^order.
        double e1 = MaxError(Run(kind, 8, tTo: 0.2f), t: 0.2), e2 = MaxError(Run(kind, 16, tTo: 0.2f), t: 0.2);
        double observed = Math.Log2(e1 / e2);
        Assert.InRange(observed, expectedOrder - 0.3, expectedOrder + 0.4);
    }

    [Theory]
    [InlineData(SamplerKind.Euler, 25, 0f, 25)]
    [InlineData(SamplerKind.Heun, 25, 0f, 49)]
    [InlineData(SamplerKind.Heun, 10, 0.3f, 20)]
    [InlineData(SamplerKind.Stochastic, 12, 0f, 12)]
    public void NfeIsExact(SamplerKind kind, int steps, float tTo, int expected)
    {
        var field = new GaussianVelocityField();
        var ts = Run(kind, steps, count: 5, tTo: tTo, field: field, maxBatch: 2);
        Assert.All(ts, t => Assert.Equal(expected, t.Nfe));
        Assert.All(ts, t => Assert.Equal(expected, t.Spec.Nfe));
        Assert.Equal(5L * expected, field.ModelEvaluations);
        Assert.All(field.BatchSizes, b => Assert.InRange(b, 1, 2));
    }

    [Fact]
    public void GuidedNfeCountsTheUnconditionalBranch()
    {
        var spec = new TrajectorySpec(new NoiseSeed(1, 0, 0), 3, 2f, SamplerKind.Heun, 10);
        Assert.Equal(19, spec.Nfe);
        Assert.Equal(38, spec.ModelEvaluations);
        Assert.Equal(19, spec with { Guidance = 1f } is var u ? u.ModelEvaluations : -1);
    }

    [Fact]
    public void ResultsDoNotDependOnBatchComposition()
    {
        var alone = Run(SamplerKind.Heun, 7, count: 1);
        var crowd = Run(SamplerKind.Heun, 7, count: 9, maxBatch: 4);
        Assert.Equal(alone[0].State.ToArray(), crowd[0].State.ToArray());
    }

    [Fact]
    public void TrajectoriesAtDifferentTimesShareOneCall()
    {
        var field = new GaussianVelocityField();
        var a = new Trajectory(new TrajectorySpec(new NoiseSeed(1, 0, 0), 1, 1f, SamplerKind.Heun, 4), 784);
        var z = new NoiseSeed(1, 0, 1).Normal(784);
        var midState = GaussianVelocityField.Exact(z, 2, field.Sigma, 0.5);
        var b = new Trajectory(new TrajectorySpec(new NoiseSeed(1, 0, 1), 2, 1f, SamplerKind.Heun, 50, TFrom: 0.5f, InitialState: midState), 784);
        var sampler = new TrajectorySampler(field);
        sampler.Step([a, b]);
        Assert.Equal(1, field.Calls);
        Assert.Equal(1, a.Nfe);
        Assert.Equal(1, b.Nfe);
        sampler.Run([a, b]);
        Assert.True(a.IsDone && b.IsDone);
        var expectB = GaussianVelocityField.Exact(z, 2, field.Sigma, 0);
        Assert.True(expectB.Zip(b.State.ToArray()).Max(p => Math.Abs(p.First - p.Second)) < 0.01);
    }

    [Fact]
    public void StochasticStepWithEtaZeroMatchesItsDeterministicLimitAndIsReproducible()
    {
        var field = new GaussianVelocityField();
        Trajectory Make(float eta) => new(new TrajectorySpec(new NoiseSeed(5, 0, 0), 4, 1f, SamplerKind.Stochastic, 400, Eta: eta), 784);
        var det = Make(0f);
        new TrajectorySampler(field).Run([det]);
        Assert.True(MaxError([det]) < 2e-2, $"error {MaxError([det])}");
        var s1 = Make(0.5f);
        var s2 = Make(0.5f);
        new TrajectorySampler(field).Run([s1]);
        new TrajectorySampler(field).Run([s2, Make(0.3f)]);
        Assert.Equal(s1.State.ToArray(), s2.State.ToArray());
        Assert.NotEqual(s1.State.ToArray(), det.State.ToArray());
    }

    [Fact]
    public void StochasticStepFollowsTheFormula()
    {
        // One step from t = 1 to t' = 0.75 with eta = 0.6 must equal
        // (1 - t') x0_hat + sqrt(t'^2 - s^2) eps_hat + s z with s = eta t' and z from the step's noise stream.
        var field = new GaussianVelocityField();
        var seed = new NoiseSeed(9, 0, 3);
        var tr = new Trajectory(new TrajectorySpec(seed, 4, 1f, SamplerKind.Stochastic, 4, Eta: 0.6f), 784);
        var x1 = tr.State.ToArray();
        new TrajectorySampler(field).Step([tr]);
        using var xt = tensor(x1, [1, 1, 28, 28]);
        using var v = field.Evaluate(xt, [new VelocityQuery(1f, 4, 1f)]);
        using var z = tensor(seed.Normal(784, NoiseSeed.StepStream(0)), [1, 1, 28, 28]);
        using var expected = FlowInterpolantTensors.StochasticStep(xt, v, 1.0, 0.75, 0.6, z);
        var e = expected.data<float>().ToArray();
        Assert.Equal(0.75f, tr.Time);
        Assert.True(e.Zip(tr.State.ToArray()).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
    }

    [Fact]
    public void CapturesX0PredictionsAtRequestedTimes()
    {
        var field = new GaussianVelocityField();
        var t = new Trajectory(new TrajectorySpec(new NoiseSeed(3, 0, 0), 2, 1f, SamplerKind.Heun, 10, X0Times: [0.35f, 0.8f]), 784);
        new TrajectorySampler(field).Run([t]);
        Assert.Equal(2, t.X0Predictions.Count);
        Assert.Equal(0.8f, t.X0Predictions[0].RequestedTime);
        Assert.Equal(0.8f, t.X0Predictions[0].Time, 5);
        Assert.Equal(0.3f, t.X0Predictions[1].Time, 5); // first grid time at or below 0.35
        // The exact field's x0-prediction is E[x0 | x_t]; at t = 0.3 it is already close to the final image.
        var final = t.State.ToArray();
        double gap = final.Zip(t.X0Predictions[1].Image).Average(p => Math.Abs(p.First - p.Second));
        Assert.True(gap < 0.2, $"gap {gap}");
    }

    [Fact]
    public void CancellationStopsBetweenModelCalls()
    {
        var field = new GaussianVelocityField();
        using var cts = new CancellationTokenSource();
        var ts = Enumerable.Range(0, 3).Select(i => new Trajectory(new TrajectorySpec(new NoiseSeed(1, 0, (uint)i), 0, 1f, SamplerKind.Euler, 10), 784)).ToArray();
        Assert.Throws<OperationCanceledException>(() => new TrajectorySampler(field, 1).Run(ts, cts.Token, (done, _) => { if (done == 4) cts.Cancel(); }));
        Assert.Equal(4, field.Calls);
    }

    [Fact]
    public void RenoisingMatchesTheInterpolantMarginal()
    {
        // Data point x0 fixed: x_ta = (1 - ta) x0 + ta eps; re-noised to tb must have mean (1 - tb) x0 and std tb.
        const int n = 20000;
        double ta = 0.3, tb = 0.7;
        using var x0 = full(n, 0.8f);
        using var eps = randn(n);
        using var xta = (1 - ta) * x0 + ta * eps;
        using var z = randn(n);
        using var xtb = FlowInterpolantTensors.Renoise(xta, ta, tb, z);
        Assert.InRange(xtb.mean().item<float>(), (1 - tb) * 0.8 - 0.02, (1 - tb) * 0.8 + 0.02);
        Assert.InRange(xtb.std().item<float>(), tb - 0.02, tb + 0.02);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlowInterpolantTensors.Renoise(xta, 0.7, 0.3, z));
        // The array form used by the search layer computes the same thing.
        var arrayForm = FlowInterpolant.Renoise(xta.data<float>().ToArray(), ta, tb, z.data<float>().ToArray());
        Assert.True(arrayForm.Zip(xtb.data<float>().ToArray()).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
    }

    [Fact]
    public void InvalidSpecsAreRejected()
    {
        var seed = new NoiseSeed(1, 0, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trajectory(new TrajectorySpec(seed, 0, 1f, SamplerKind.Euler, 0), 784));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trajectory(new TrajectorySpec(seed, 0, 1f, SamplerKind.Euler, 5, TFrom: 0.2f, TTo: 0.5f), 784));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trajectory(new TrajectorySpec(seed, 0, 1f, SamplerKind.Stochastic, 5, Eta: 1.5f), 784));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trajectory(new TrajectorySpec(seed, 0, 1f, SamplerKind.Stochastic, 5, Eta: float.NaN), 784));
        Assert.Throws<ArgumentException>(() => new Trajectory(new TrajectorySpec(seed, 0, 1f, SamplerKind.Euler, 5, TFrom: 0.5f), 784));
    }

    [Theory]
    [InlineData(SamplerKind.Heun, 4)]     // the corrector's evaluation at the segment's end gives it for free: 2 x 2 NFE
    [InlineData(SamplerKind.Euler, 3)]    // Euler evaluates at 1.0 and 0.8 only: one more evaluation at 0.6
    [InlineData(SamplerKind.Stochastic, 3)]
    public void AnX0PredictionAskedAtASegmentsEndComesFromAnEvaluationAtThatTime(SamplerKind sampler, int nfe)
    {
        // Segment 1.0 -> 0.6 in two steps, x0-prediction wanted at 0.6 (where pruning or weighting ranks it).
        // Before the fix the capture came from the last step's start, t = 0.8: one solver step stale.
        var field = new GaussianVelocityField();
        var spec = new TrajectorySpec(new NoiseSeed(4, 0, 1), 2, 1f, sampler, 2, TFrom: 1f, TTo: 0.6f, Eta: sampler == SamplerKind.Stochastic ? 0.5f : 0f, X0Times: [0.6f]);
        var t = new Trajectory(spec, 784);
        new TrajectorySampler(field).Run([t]);
        var capture = Assert.Single(t.X0Predictions);
        Assert.Equal(0.6f, capture.Time, 6);
        Assert.Equal(nfe, t.Nfe);
        Assert.Equal(nfe, spec.Nfe); // the plan counts the end evaluation
        Assert.Equal(nfe, field.ModelEvaluations);
        Assert.Equal(0.6f, t.Time, 6);
        if (sampler != SamplerKind.Heun)
        {
            // Exactly x0_hat of the state at 0.6: the exact field's E[x0 | x_0.6] = x - 0.6 v(x, 0.6).
            using var x = tensor(t.State.ToArray(), [1, 1, 28, 28]);
            using var v = field.Evaluate(x, [new VelocityQuery(0.6f, 2, 1f)]);
            var expected = t.State.ToArray().Zip(v.data<float>().ToArray(), (a, b) => a - 0.6f * b).ToArray();
            Assert.True(expected.Zip(capture.Image).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
        }
    }

    [Fact]
    public void InsideASegmentACaptureComesFromTheNextStepsOwnEvaluationAtTheCorrectedState()
    {
        var field = new GaussianVelocityField();
        var t = new Trajectory(new TrajectorySpec(new NoiseSeed(4, 0, 2), 2, 1f, SamplerKind.Heun, 5, X0Times: [0.6f]), 784);
        var sampler = new TrajectorySampler(field);
        // Run to t = 0.6 (two Heun steps of 0.2), then the next predictor evaluates at 0.6 from the corrected state.
        var states = new List<float[]>();
        while (!t.IsDone) { if (t.X0Predictions.Count == 0) states.Add(t.State.ToArray()); sampler.Step([t]); }
        var capture = Assert.Single(t.X0Predictions);
        Assert.Equal(0.6f, capture.Time, 6);
        Assert.Equal(9, t.Nfe); // no extra evaluation
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void TheStochasticSamplerConvergesToTheDataSpreadAsStepsGrow(double eta)
    {
        // Data N(mu, 0.5^2) per pixel, exact velocity: a consistent SDE discretisation ends with std 0.5 as steps grow.
        // The old noise s = eta t' injected a fixed fraction of fresh noise per step and stayed under-dispersed.
        var errors = new List<double>();
        foreach (var steps in new[] { 10, 100, 1000 })
        {
            var field = new GaussianVelocityField(0.5);
            var trajectories = Enumerable.Range(0, 16).Select(i =>
                new Trajectory(new TrajectorySpec(new NoiseSeed(77, 0, (uint)i), 2, 1f, SamplerKind.Stochastic, steps, Eta: (float)eta), 784)).ToList();
            new TrajectorySampler(field, 64).Run(trajectories);
            var values = trajectories.SelectMany(t => t.State.ToArray()).Select(v => (double)v).ToArray();
            double mean = values.Average(), std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            errors.Add(Math.Abs(std - 0.5));
        }
        Assert.True(errors[2] < errors[0], $"|std - 0.5| by steps 10/100/1000: {string.Join(", ", errors.Select(e => e.ToString("F4")))}");
        Assert.True(errors[2] < 0.01, $"|std - 0.5| at 1000 steps: {errors[2]:F4}");
    }

    [Fact]
    public void TheStochasticNoiseVanishesWithTheStep()
    {
        Assert.Equal(0.6 * 0.75, FlowInterpolant.StochasticNoise(0.6, 1.0, 0.75), 12); // from pure noise, q = 0
        Assert.Equal(0, FlowInterpolant.StochasticNoise(1, 0.5, 0.0), 12);             // onto the data
        // The injected variance is proportional to the step (s^2 ~ c dt), as for an SDE: it vanishes as steps shrink.
        double small = Math.Pow(FlowInterpolant.StochasticNoise(1, 0.5, 0.5 - 1e-4), 2) / 1e-4;
        double larger = Math.Pow(FlowInterpolant.StochasticNoise(1, 0.5, 0.5 - 1e-3), 2) / 1e-3;
        Assert.InRange(small / larger, 0.9, 1.1);
    }
}
