namespace GenerationPlatform.Core.Models;

/// <summary>What the network's output is.</summary>
public enum PredictionKind
{
    /// <summary>Our flow-matching velocity v = eps - x0 under x_t = (1 - t) x0 + t eps (time "flow").</summary>
    Velocity,
    /// <summary>The noise eps of a VP process x_s = alpha_s x0 + sigma_s eps (time "vp", with a schedule).</summary>
    Epsilon,
    /// <summary>The clean sample x0 of a VP process (time "vp", with a schedule).</summary>
    X0,
}
