using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Diffusion.Sampling;

/// <summary>The linear interpolant's formulas on tensors (<see cref="FlowInterpolant"/> has the scalar and array forms).</summary>
public static class FlowInterpolantTensors
{
    /// <summary>
    /// Stochastic step from t to t' &lt; t: x_t' = (1 - t') x0_hat + sqrt(t'^2 - s^2) eps_hat + s z, s = eta t'.
    /// eta = 0 is a deterministic DDIM-like step; at t' = 0 the result is x0_hat.
    /// </summary>
    public static Tensor StochasticStep(Tensor xt, Tensor v, double t, double tNext, double eta, Tensor z)
    {
        if (eta is < 0 or > 1 || double.IsNaN(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be in [0, 1]");
        var x0 = xt - t * v;           // x0_hat
        var eps = xt + (1 - t) * v;    // eps_hat
        double s = FlowInterpolant.StochasticNoise(eta, t, tNext);
        return (1 - tNext) * x0 + Math.Sqrt(tNext * tNext - s * s) * eps + s * z;
    }

    /// <summary>Re-noises from t_a to a noisier t_b &gt; t_a exactly: r = (1 - t_b)/(1 - t_a), x_tb = r x_ta + sqrt(t_b^2 - r^2 t_a^2) z.</summary>
    public static Tensor Renoise(Tensor xta, double ta, double tb, Tensor z)
    {
        var (r, s) = FlowInterpolant.RenoiseCoefficients(ta, tb);
        return r * xta + s * z;
    }
}
