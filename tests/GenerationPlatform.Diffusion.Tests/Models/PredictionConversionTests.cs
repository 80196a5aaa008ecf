using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Models;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Tests.Models;

/// <summary>
/// The conversion checked against closed forms. Data x0 ~ N(mu, sd^2 I), mu = label / 4. Under a VP level (alpha, sigma),
/// x_s = alpha x0 + sigma eps has E[eps | x_s] = sigma (x_s - alpha mu) / (alpha^2 sd^2 + sigma^2) and
/// E[x0 | x_s] = mu + alpha sd^2 (x_s - alpha mu) / (alpha^2 sd^2 + sigma^2): these are the exact epsilon and x0
/// "networks". Our interpolant x_t = (1 - t) x0 + t eps has the exact velocity
/// v = (t - (1 - t) sd^2) (x_t - (1 - t) mu) / ((1 - t)^2 sd^2 + t^2) - mu (GaussianVelocityField).
/// </summary>
public sealed class PredictionConversionTests
{
    private const double Sd = 0.5;

    /// <summary>The exact VP posterior mean of eps or x0, reading the step index from its timestep input with its own log-SNR interpolation.</summary>
    private sealed class GaussianVpNetwork(VpSchedule schedule, PredictionKind kind) : IVelocityNetwork
    {
        public ImageShape Shape { get; } = new(2, 2, 2);
        public Conditioning Conditioning { get; } = Conditioning.ForClasses(["a", "b", "c", "d"]);
        public string Backend => "test";
        public string Device => "cpu";
        public double ForwardFlops => 0;
        public List<float> Timesteps { get; } = [];

        private double LogSnr(double index)
        {
            var ac = schedule.AlphasCumprod;
            index = Math.Clamp(index, 0, ac.Count - 1);
            int i = Math.Min((int)index, ac.Count - 2);
            double f = index - i, l0 = Math.Log(ac[i] / (1 - ac[i])), l1 = Math.Log(ac[i + 1] / (1 - ac[i + 1]));
            return l0 + f * (l1 - l0);
        }

        public Tensor Forward(Tensor x, Tensor t, Tensor condition)
        {
            var xs = x.data<float>().ToArray();
            var steps = t.data<float>().ToArray();
            var labels = condition.data<long>().ToArray();
            Timesteps.AddRange(steps);
            int n = steps.Length, size = xs.Length / n;
            var result = new float[xs.Length];
            for (int r = 0; r < n; r++)
            {
                double a2 = 1 / (1 + Math.Exp(-LogSnr(steps[r] / schedule.TimestepScale)));
                double alpha = Math.Sqrt(a2), sigma = Math.Sqrt(1 - a2), mu = labels[r] / 4.0, d = a2 * Sd * Sd + (1 - a2);
                for (int i = 0; i < size; i++)
                {
                    double centred = xs[r * size + i] - alpha * mu;
                    result[r * size + i] = (float)(kind == PredictionKind.Epsilon ? sigma * centred / d : mu + alpha * Sd * Sd * centred / d);
                }
            }
            return tensor(result, x.shape);
        }

        public void Dispose() { }
    }

    private static double TrueVelocity(double x, double t, double mu)
    {
        double s2 = Sd * Sd, d = (1 - t) * (1 - t) * s2 + t * t;
        return (t - (1 - t) * s2) * (x - (1 - t) * mu) / d - mu;
    }

    public static IEnumerable<object[]> Schedules() =>
        from schedule in new[] { "scaled_linear", "linear", "coarse" }
        from kind in new[] { PredictionKind.Epsilon, PredictionKind.X0 }
        select new object[] { schedule, kind };

    private static VpSchedule Schedule(string name) => name switch
    {
        "scaled_linear" => new VpSchedule(VpSchedule.AlphasFromBetas("scaled_linear", 0.00085, 0.012, 1000)),
        "linear" => new VpSchedule(VpSchedule.AlphasFromBetas("linear", 0.0001, 0.02, 1000), TimestepScale: 0.001),
        // Six steps, far apart: the interpolation between steps matters.
        _ => new VpSchedule([0.99, 0.9, 0.6, 0.3, 0.1, 0.02], TimestepScale: 10),
    };

    /// <summary>Evaluates the conversion at times <paramref name="ts"/> on random states, and the exact velocity there.</summary>
    private static (float[] Converted, double[] Exact) Evaluate(PredictionConversion network, double[] ts, int seed = 1)
    {
        var shape = network.Shape;
        int size = shape.Size, n = ts.Length;
        var rng = new Random(seed);
        var x = new float[n * size];
        var labels = new long[n];
        var exact = new double[n * size];
        for (int r = 0; r < n; r++)
        {
            labels[r] = r % 4;
            for (int i = 0; i < size; i++)
            {
                // x_t drawn from its marginal: (1 - t) x0 + t eps.
                double x0 = labels[r] / 4.0 + Sd * Gaussian(rng), eps = Gaussian(rng);
                x[r * size + i] = (float)((1 - ts[r]) * x0 + ts[r] * eps);
                exact[r * size + i] = TrueVelocity(x[r * size + i], ts[r], labels[r] / 4.0);
            }
        }
        using var xt = tensor(x, shape.Batch(n));
        using var tt = tensor(ts.Select(t => (float)t).ToArray());
        using var ct = tensor(labels);
        using var v = network.Forward(xt, tt, ct);
        Assert.Equal(shape.Batch(n), v.shape);
        return (v.data<float>().ToArray(), exact);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Theory]
    [MemberData(nameof(Schedules))]
    public void InsideTheScheduleTheConversionIsTheExactVelocity(string scheduleName, PredictionKind kind)
    {
        var schedule = Schedule(scheduleName);
        var inner = new GaussianVpNetwork(schedule, kind);
        using var network = new PredictionConversion(inner, new PredictionSpec(kind, schedule));
        double lo = schedule.MinFlowTime, hi = schedule.MaxFlowTime;
        // Times as the network gets them (float32), inside the range.
        var ts = new[] { lo + 1e-6, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, hi - 1e-6 }.Select(t => (double)(float)t).Where(t => t >= lo && t <= hi).ToArray();
        Assert.True(ts.Length >= 5, $"range [{lo}, {hi}] covers too few test times");
        var (converted, exact) = Evaluate(network, ts);
        for (int i = 0; i < converted.Length; i++)
            Assert.True(Math.Abs(converted[i] - exact[i]) <= 1e-4, $"t = {ts[i / network.Shape.Size]}: converted {converted[i]}, exact {exact[i]}");
        // The inner network got the step index with our t's signal-to-noise ratio, times the timestep scale.
        for (int r = 0; r < ts.Length; r++)
            Assert.Equal(ts[r], schedule.FlowTime(inner.Timesteps[r] / schedule.TimestepScale), 4);
    }

    [Theory]
    [InlineData(PredictionKind.Epsilon)]
    [InlineData(PredictionKind.X0)]
    public void BeyondTheScheduleTheConversionIsFiniteAndContinuous(PredictionKind kind)
    {
        var schedule = Schedule("scaled_linear"); // covers t in [0.028, 0.936]
        using var network = new PredictionConversion(new GaussianVpNetwork(schedule, kind), new PredictionSpec(kind, schedule));
        double lo = schedule.MinFlowTime, hi = schedule.MaxFlowTime;
        var (at, _) = Evaluate(network, [lo, hi, 1.0, 0.0], seed: 3);
        Assert.All(at, v => Assert.True(float.IsFinite(v)));
        // Just outside each end, the network gets the same timestep and v = A x_t + B output has the same coefficients as just inside.
        foreach (var (inside, outside) in new[] { (lo + 1e-10, lo - 1e-10), (hi - 1e-10, hi + 1e-10) })
        {
            var p = network.Plan(inside);
            var q = network.Plan(outside);
            Assert.Equal(0, p.Clamped);
            Assert.NotEqual(0, q.Clamped);
            foreach (var (x, y) in new[] { (p.Timestep, q.Timestep), (p.Scale, q.Scale), (p.A, q.A), (p.B, q.B) })
                Assert.True(Math.Abs(x - y) <= 1e-6 * Math.Max(1, Math.Abs(x)), $"{x} vs {y}");
        }
    }

    [Theory]
    [InlineData(PredictionKind.Epsilon)]
    [InlineData(PredictionKind.X0)]
    public void AtPureNoiseAScheduleReachingNearPureNoiseGivesTheTrueVelocity(PredictionKind kind)
    {
        // alphas_cumprod from 1 - 1e-6 down to 1e-6: the end levels are within 1e-3 of data and of pure noise.
        var ac = Enumerable.Range(0, 200).Select(i => 1 / (1 + Math.Exp(-(13.8 - 27.6 * i / 199.0)))).ToArray();
        var schedule = new VpSchedule(ac);
        using var network = new PredictionConversion(new GaussianVpNetwork(schedule, kind), new PredictionSpec(kind, schedule));
        var (converted, exact) = Evaluate(network, [1.0, 1.0, 1.0, 1.0, 0.0005], seed: 7);
        for (int i = 0; i < converted.Length; i++) Assert.True(Math.Abs(converted[i] - exact[i]) < 2e-3, $"converted {converted[i]}, exact {exact[i]}");
    }

    [Fact]
    public void PlanMatchesTheSignalToNoiseRatioAndScalesTheInput()
    {
        var schedule = Schedule("coarse");
        using var network = new PredictionConversion(new GaussianVpNetwork(schedule, PredictionKind.Epsilon), new PredictionSpec(PredictionKind.Epsilon, schedule));
        foreach (var t in new[] { 0.2, 0.5, 0.8 })
        {
            var plan = network.Plan(t);
            double index = plan.Timestep / schedule.TimestepScale, a2 = 1 / (1 + Math.Exp(-schedule.LogSnrAt(index)));
            Assert.Equal(0, plan.Clamped);
            Assert.Equal(t / (1 - t), Math.Sqrt(1 - a2) / Math.Sqrt(a2), 9);      // sigma_s / alpha_s = t / (1 - t)
            Assert.Equal(Math.Sqrt(a2) / (1 - t), plan.Scale, 9);                 // x_s = x_t alpha_s / (1 - t)
        }
        Assert.Equal(1, network.Plan(1.0).Clamped);
        Assert.Equal(-1, network.Plan(0.0).Clamped);
        Assert.Equal((schedule.Steps - 1) * schedule.TimestepScale, network.Plan(1.0).Timestep);
        Assert.Equal(0, network.Plan(0.0).Timestep);
    }

    [Fact]
    public void AVelocityPredictionIsNotConverted()
    {
        var schedule = Schedule("coarse");
        Assert.Throws<ArgumentException>(() => new PredictionConversion(new GaussianVpNetwork(schedule, PredictionKind.Epsilon), PredictionSpec.Velocity));
    }
}
