using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>
/// Upper bounds on everything a search request and an algorithm's parameters can size. A search
/// that would exceed one is refused before it starts (<see cref="SearchPlanException"/>), so no
/// request can make one call carry more than a bounded number of trajectories, keep more than a
/// bounded number of images, or run an unbounded number of rounds.
/// </summary>
public static class SearchLimits
{
    /// <summary>Trajectories in one denoise call (and images in one scoring call): bounds one message and one allocation.</summary>
    public const int MaxTrajectoriesPerCall = 1024;

    /// <summary>Scored images one search keeps (its candidates, with their images, until the result is chosen).</summary>
    public const int MaxScoredImages = 8192;

    /// <summary>Rounds of one search (progress reports and checkpoints).</summary>
    public const int MaxRounds = 4096;

    /// <summary>Sampler steps of one trajectory or segment.</summary>
    public const int MaxSteps = TrajectorySpec.MaxSteps;

    /// <summary>Results one search returns.</summary>
    public const int MaxTopK = 64;

    /// <summary>The largest NFE budget of one search.</summary>
    public const long MaxBudgetNfe = 100_000_000;

    /// <summary>Re-noisings per path per round.</summary>
    public const int MaxRenoisings = 64;

    /// <summary>Pruning stages of the pruned search.</summary>
    public const int MaxPruneStages = 16;

    /// <summary>The least difference dt_b - dt_f of path search: each round moves at least this far towards t = 0.</summary>
    public const double MinPathProgress = 0.01;

    /// <summary>The largest inverse temperature of particle weighting (weights are exp(lambda r)).</summary>
    public const double MaxLambda = 1000;

    /// <summary>
    /// The largest n in [<paramref name="low"/>, <paramref name="high"/>] that <paramref name="fits"/> (by bisection: what fits
    /// must not grow with n, so cost and size checks qualify); <paramref name="low"/> when none above it does.
    /// </summary>
    internal static int LargestFitting(int low, int high, Func<int, bool> fits)
    {
        while (low < high)
        {
            int mid = low + (high - low + 1) / 2;
            if (fits(mid)) low = mid;
            else high = mid - 1;
        }
        return low;
    }

    /// <summary>Throws naming <paramref name="name"/> unless <paramref name="value"/> is in [1, <paramref name="max"/>].</summary>
    internal static void Count(int? value, string name, int max)
    {
        if (value is { } v && (v < 1 || v > max))
            throw new ArgumentOutOfRangeException(name, v, $"must be between 1 and {max}");
    }

    /// <summary>Throws naming <paramref name="name"/> unless <paramref name="value"/> is finite and inside the interval (open ends exclude the bound).</summary>
    internal static void Finite(double value, string name, double low, double high, bool lowOpen = false, bool highOpen = false)
    {
        bool inside = double.IsFinite(value)
            && (lowOpen ? value > low : value >= low)
            && (highOpen ? value < high : value <= high);
        if (!inside)
            throw new ArgumentOutOfRangeException(name, value, $"must be a finite number in {(lowOpen ? "(" : "[")}{low}, {high}{(highOpen ? ")" : "]")}");
    }
}
