using GenerationPlatform.Diffusion.Model;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>
/// Drives a network trained to predict epsilon or x0 under a discrete VP schedule (x_s = alpha_s x0 + sigma_s eps,
/// alpha^2 + sigma^2 = 1) as a velocity network in our convention (x_t = (1 - t) x0 + t eps, v = eps - x0).
/// <para>
/// The two processes have the same marginals up to a scale at equal signal-to-noise ratio: for our t the VP level has
/// sigma_s / alpha_s = t / (1 - t), i.e. alpha_s = (1 - t) c, sigma_s = t c with c = 1 / sqrt((1 - t)^2 + t^2), and
/// x_s = c x_t = x_t alpha_s / (1 - t). The step index s with that log-SNR is found by interpolating the schedule's
/// log-SNR linearly (<see cref="VpSchedule.IndexFor"/>); the inner network gets x_s and s x timestep_scale. Then,
/// exactly: epsilon models give x0_hat = (x_s - sigma_s eps_hat) / alpha_s = (x_t - t eps_hat) / (1 - t) and
/// v = eps_hat - x0_hat = (eps_hat - x_t) / (1 - t); x0 models give eps_hat = (x_t - (1 - t) x0_hat) / t and
/// v = (x_t - x0_hat) / t.
/// </para>
/// <para>
/// Outside the schedule's range (t above <see cref="VpSchedule.MaxFlowTime"/>, which includes the sampler's start at
/// t = 1, or below <see cref="VpSchedule.MinFlowTime"/>), the network is asked at the nearest end step (it was never
/// trained on other noise levels) on the exactly scaled input x_s = c x_t, and its output is read at that end step's
/// (alpha_e, sigma_e) for the quantity whose formula above would divide by zero: an epsilon model beyond the noisiest
/// step gives x0_hat = (x_s - sigma_e eps_hat) / alpha_e and v = (x_t - x0_hat) / t (finite at t = 1, where the true
/// velocity is x_1 - E[x0]); an x0 model below the least noisy step gives eps_hat = (x_s - alpha_e x0_hat) / sigma_e
/// and v = (eps_hat - x_t) / (1 - t) (finite at t = 0). The other combinations keep the exact formulas with the
/// timestep clamped. Both rules agree with the exact conversion at the range's ends, so v is continuous in t; beyond
/// the range it is an approximation whose error shrinks as the schedule's end levels approach pure noise and data.
/// </para>
/// </summary>
public sealed class PredictionConversion : IVelocityNetwork
{
    private readonly IVelocityNetwork inner;
    private readonly bool owns;

    /// <param name="inner">The epsilon or x0 network; its timestep input receives the schedule's step index (times timestep_scale).</param>
    /// <param name="owns">Whether disposing this disposes <paramref name="inner"/>.</param>
    public PredictionConversion(IVelocityNetwork inner, PredictionSpec prediction, bool owns = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (prediction.Kind == PredictionKind.Velocity || prediction.Schedule is null)
            throw new ArgumentException("only epsilon and x0 predictions with a VP schedule are converted", nameof(prediction));
        this.inner = inner;
        this.owns = owns;
        Prediction = prediction;
        Schedule = prediction.Schedule;
    }

    public PredictionSpec Prediction { get; }
    public VpSchedule Schedule { get; }
    public IVelocityNetwork Inner => inner;
    public ImageShape Shape => inner.Shape;
    public Conditioning Conditioning => inner.Conditioning;
    public string Backend => inner.Backend;
    public string Device => inner.Device;
    public double ForwardFlops => inner.ForwardFlops;

    /// <summary>What one row of a query becomes: the inner network's timestep and v = A x_t + B (network output).</summary>
    public readonly record struct RowPlan(double Scale, double Timestep, double A, double B, int Clamped);

    /// <summary>The per-row plan for our time <paramref name="t"/> (exposed for tests and docs).</summary>
    public RowPlan Plan(double t)
    {
        if (!(t >= 0 && t <= 1)) throw new ArgumentOutOfRangeException(nameof(t), $"t must be in [0, 1] (got {t})");
        double c = 1 / Math.Sqrt((1 - t) * (1 - t) + t * t);
        double logSnr = 2 * (Math.Log(1 - t) - Math.Log(t)); // +inf at t = 0, -inf at t = 1
        double index = Schedule.IndexFor(logSnr, out int clamped);
        double timestep = index * Schedule.TimestepScale;
        double aEnd = Math.Sqrt(Schedule.AlphasCumprod[(int)index]), sEnd = Math.Sqrt(1 - Schedule.AlphasCumprod[(int)index]);
        double a, b;
        if (Prediction.Kind == PredictionKind.Epsilon)
        {
            if (clamped > 0)
            {
                // x0_hat = (c x_t - sEnd eps) / aEnd; v = (x_t - x0_hat) / t
                a = (1 - c / aEnd) / t;
                b = sEnd / (aEnd * t);
            }
            else
            {
                // v = (eps - x_t) / (1 - t)
                a = -1 / (1 - t);
                b = 1 / (1 - t);
            }
        }
        else if (clamped < 0)
        {
            // eps_hat = (c x_t - aEnd x0) / sEnd; v = (eps_hat - x_t) / (1 - t)
            a = (c / sEnd - 1) / (1 - t);
            b = -aEnd / (sEnd * (1 - t));
        }
        else
        {
            // v = (x_t - x0) / t
            a = 1 / t;
            b = -1 / t;
        }
        return new RowPlan(c, timestep, a, b, clamped);
    }

    public Tensor Forward(Tensor x, Tensor t, Tensor condition)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var times = t.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        int n = times.Length;
        if (x.shape[0] != n) throw new ArgumentException($"batch has {x.shape[0]} states but {n} times");
        var scale = new double[n];
        var timestep = new float[n];
        var a = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            var plan = Plan(times[i]);
            scale[i] = plan.Scale;
            timestep[i] = (float)plan.Timestep;
            a[i] = plan.A;
            b[i] = plan.B;
        }
        // The combination is taken in float64: near the schedule's noisiest step the coefficients grow as
        // 1 / (1 - t) and 1 / alpha_e, and v is a difference of two such terms.
        var x64 = x.to(ScalarType.Float64);
        var xs = (x64 * tensor(scale).view(-1, 1, 1, 1)).to(ScalarType.Float32);
        var output = inner.Forward(xs, tensor(timestep), condition).to(ScalarType.Float64);
        var v = tensor(a).view(-1, 1, 1, 1) * x64 + tensor(b).view(-1, 1, 1, 1) * output;
        return v.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        if (owns) inner.Dispose();
    }
}
