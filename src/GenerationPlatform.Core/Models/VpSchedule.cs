namespace GenerationPlatform.Core.Models;

/// <summary>
/// A discrete variance-preserving schedule, x_i = alpha_i x0 + sigma_i eps with alpha_i^2 = alphas_cumprod[i] and
/// alpha_i^2 + sigma_i^2 = 1 (i = 0 least noisy), as DDPM-style epsilon and x0 networks are trained with. Between
/// steps the schedule is continued by linear interpolation of the log signal-to-noise ratio
/// lambda = log(alpha^2 / sigma^2), which is how a fractional step index is read. The network's timestep input is
/// the (fractional) step index times <see cref="TimestepScale"/> (1: the index 0..steps-1 as a float, as DDPM,
/// Stable Diffusion and DiT take it).
/// </summary>
public sealed record VpSchedule(IReadOnlyList<double> AlphasCumprod, double TimestepScale = 1.0)
{
    public const string Kind = "vp-discrete";
    public const int MaxSteps = 100_000;

    public int Steps => AlphasCumprod.Count;

    /// <summary>lambda_i = log(alphas_cumprod[i] / (1 - alphas_cumprod[i])), decreasing in i.</summary>
    public double LogSnr(int i) => Math.Log(AlphasCumprod[i] / (1 - AlphasCumprod[i]));

    /// <summary>The log-SNR at a fractional step index (clamped to 0..steps-1), by linear interpolation.</summary>
    public double LogSnrAt(double index)
    {
        index = Math.Clamp(index, 0, Steps - 1);
        int i = Math.Min((int)Math.Floor(index), Steps - 2);
        double f = index - i;
        return (1 - f) * LogSnr(i) + f * LogSnr(i + 1);
    }

    /// <summary>
    /// Our interpolant's time t with the same signal-to-noise ratio as step <paramref name="index"/>:
    /// sigma/alpha = t/(1 - t), so t = sigma / (alpha + sigma).
    /// </summary>
    public double FlowTime(double index)
    {
        double a2 = Sigmoid(LogSnrAt(index));
        double alpha = Math.Sqrt(a2), sigma = Math.Sqrt(1 - a2);
        return sigma / (alpha + sigma);
    }

    /// <summary>The least noisy time of ours the schedule covers (step 0).</summary>
    public double MinFlowTime => FlowTime(0);

    /// <summary>The noisiest time of ours the schedule covers (its last step).</summary>
    public double MaxFlowTime => FlowTime(Steps - 1);

    /// <summary>
    /// The fractional step index whose log-SNR is <paramref name="logSnr"/>; outside the schedule's range the nearest
    /// end (0 or steps-1), with <paramref name="clamped"/> -1 (below step 0's noise) or +1 (beyond the last step's).
    /// </summary>
    public double IndexFor(double logSnr, out int clamped)
    {
        clamped = 0;
        if (double.IsNaN(logSnr)) throw new ArgumentOutOfRangeException(nameof(logSnr));
        if (logSnr >= LogSnr(0))
        {
            clamped = logSnr > LogSnr(0) ? -1 : 0;
            return 0;
        }
        if (logSnr <= LogSnr(Steps - 1))
        {
            clamped = logSnr < LogSnr(Steps - 1) ? 1 : 0;
            return Steps - 1;
        }
        int lo = 0, hi = Steps - 1; // LogSnr(lo) > logSnr > LogSnr(hi)
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (LogSnr(mid) > logSnr) lo = mid;
            else hi = mid;
        }
        double a = LogSnr(lo), b = LogSnr(hi);
        return lo + (a - logSnr) / (a - b);
    }

    /// <summary>alphas_cumprod of a beta schedule as diffusers computes it: "linear" (betas evenly spaced) or "scaled_linear" (their square roots evenly spaced).</summary>
    public static double[] AlphasFromBetas(string betaSchedule, double betaStart, double betaEnd, int steps)
    {
        var alphas = new double[steps];
        double product = 1;
        for (int i = 0; i < steps; i++)
        {
            double f = steps == 1 ? 0 : (double)i / (steps - 1);
            double beta = betaSchedule switch
            {
                "linear" => betaStart + f * (betaEnd - betaStart),
                "scaled_linear" => Math.Pow(Math.Sqrt(betaStart) + f * (Math.Sqrt(betaEnd) - Math.Sqrt(betaStart)), 2),
                _ => throw new ArgumentException($"unknown beta schedule '{betaSchedule}'", nameof(betaSchedule)),
            };
            product *= 1 - beta;
            alphas[i] = product;
        }
        return alphas;
    }

    internal static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
}
