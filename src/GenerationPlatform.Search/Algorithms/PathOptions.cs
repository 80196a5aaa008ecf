using System.ComponentModel;

namespace GenerationPlatform.Search.Algorithms;

/// <param name="Paths">N: paths kept after every round; null: the most the budget allows.</param>
/// <param name="Renoisings">M: re-noisings drawn per path per round.</param>
/// <param name="TStart">Time down to which the N initial noises are denoised before the first round.</param>
/// <param name="ForwardDt">dt_f: how far each re-noising goes back towards noise.</param>
/// <param name="BackwardDt">dt_b &gt; dt_f: how far each re-noised state is integrated back down.</param>
/// <param name="StepsPerBackward">Sampler steps of each backward segment.</param>
public sealed record PathOptions(
    [property: Description("N: paths kept after every round (default: the most the budget allows)")] int? Paths = null,
    [property: Description("M: re-noisings drawn per path per round")] int Renoisings = 2,
    [property: Description("time down to which the initial noises are denoised before the first round")] double TStart = 0.7,
    [property: Description("dt_f: how far each re-noising goes back towards noise")] double ForwardDt = 0.15,
    [property: Description("dt_b > dt_f: how far each re-noised state is integrated back down")] double BackwardDt = 0.45,
    [property: Description("sampler steps of each backward segment")] int StepsPerBackward = 3)
{
    public void Validate()
    {
        SearchLimits.Count(Paths, nameof(Paths), SearchLimits.MaxTrajectoriesPerCall);
        SearchLimits.Count(Renoisings, nameof(Renoisings), SearchLimits.MaxRenoisings);
        SearchLimits.Finite(TStart, nameof(TStart), 0, 1, lowOpen: true, highOpen: true);
        SearchLimits.Finite(ForwardDt, nameof(ForwardDt), 0, 1, lowOpen: true, highOpen: true);
        // Every round moves t down by at least dt_b - dt_f: at most 1 / MinPathProgress rounds.
        SearchLimits.Finite(BackwardDt, nameof(BackwardDt), ForwardDt + SearchLimits.MinPathProgress, 1);
        SearchLimits.Count(StepsPerBackward, nameof(StepsPerBackward), SearchLimits.MaxSteps);
        if (Paths is int n && (long)n * Renoisings > SearchLimits.MaxTrajectoriesPerCall)
            throw new ArgumentOutOfRangeException(nameof(Renoisings), Renoisings,
                $"paths x re-noisings ({(long)n * Renoisings}) must be at most {SearchLimits.MaxTrajectoriesPerCall}");
    }
}
