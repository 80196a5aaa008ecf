namespace GenerationPlatform.Core.Sampling;

/// <summary>
/// The linear interpolant of SEARCH.md section 2: x_t = (1 - t) x0 + t eps, t = 1 is noise,
/// the network predicts v = eps - x0: its scalar and array forms, which the sampler and the search use
/// (<c>FlowInterpolantTensors</c> has the tensor forms).
/// </summary>
public static class FlowInterpolant
{
    /// <summary>
    /// The noise scale of the stochastic step from t to t' &lt; t (SEARCH.md section 2): s = eta t' sqrt(1 - q^2) with
    /// q = ((1 - t) t') / ((1 - t') t), DDIM's sigma for this interpolant (alpha_t = 1 - t, sigma_t = t). s goes to 0 with
    /// the step, so the chain converges to an SDE as steps grow; eta = 1 is the ancestral step, eta = 0 the DDIM step.
    /// </summary>
    public static double StochasticNoise(double eta, double t, double tNext)
    {
        if (tNext <= 0 || eta == 0) return 0;
        double q = (1 - t) * tNext / ((1 - tNext) * t);
        return eta * tNext * Math.Sqrt(Math.Max(0, 1 - q * q));
    }

    /// <summary>Re-noises one state held as an array from t_a to a noisier t_b &gt; t_a exactly: r = (1 - t_b)/(1 - t_a), x_tb = r x_ta + sqrt(t_b^2 - r^2 t_a^2) z.</summary>
    public static float[] Renoise(float[] xta, double ta, double tb, float[] z)
    {
        if (z.Length != xta.Length) throw new ArgumentException($"noise has {z.Length} values, the state {xta.Length}", nameof(z));
        var (r, s) = RenoiseCoefficients(ta, tb);
        var y = new float[xta.Length];
        for (int i = 0; i < y.Length; i++) y[i] = (float)(r * xta[i] + s * z[i]);
        return y;
    }

    /// <summary>The re-noising's coefficients (r, sqrt(t_b^2 - r^2 t_a^2)); throws unless 0 &lt;= t_a &lt; t_b &lt;= 1.</summary>
    public static (double R, double S) RenoiseCoefficients(double ta, double tb)
    {
        if (!(tb > ta) || tb > 1 || ta < 0) throw new ArgumentOutOfRangeException(nameof(tb), $"re-noising needs 0 <= t_a < t_b <= 1 (got {ta}, {tb})");
        double r = (1 - tb) / (1 - ta);
        return (r, Math.Sqrt(Math.Max(0, tb * tb - r * r * ta * ta)));
    }
}
