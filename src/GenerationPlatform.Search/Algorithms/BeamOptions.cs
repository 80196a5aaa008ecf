using System.ComponentModel;

namespace GenerationPlatform.Search.Algorithms;

/// <param name="Beams">B: partial trajectories kept after every expansion.</param>
/// <param name="Branches">M: stochastic continuations of each beam at every expansion.</param>
/// <param name="ExpandAt">Fractions of the step schedule at which beams are ranked and cut back to B, increasing, in (0, 1);
/// the first ranks the starting candidates, each later one the branches grown since the one before.</param>
/// <param name="Eta">Noise of the branches' stochastic steps (SEARCH.md section 2), in (0, 1]: what makes branches differ.</param>
/// <param name="Ranking">How partial trajectories are ranked: the verifier on their x0-predictions, or its noise-aware head.</param>
/// <param name="Candidates">Starting noises; null: the most the budget allows (at least B).</param>
public sealed record BeamOptions(
    [property: Description("B: partial trajectories kept after every expansion")] int Beams = 4,
    [property: Description("M: stochastic continuations of each beam at every expansion")] int Branches = 2,
    [property: Description("fractions of the step schedule at which beams are ranked and cut back to B, increasing, in (0, 1)")] double[]? ExpandAt = null,
    [property: Description("noise of the branches' stochastic steps, in (0, 1]: what makes branches differ")] double Eta = 0.5,
    [property: Description("x0-prediction: the verifier on x0-predictions; noise-aware: its noise-aware head")] PruneRanking Ranking = PruneRanking.X0Prediction,
    [property: Description("starting noises (default: the most the budget allows, at least B)")] int? Candidates = null)
{
    public double[] Stages => ExpandAt ?? [0.2, 0.4, 0.6];

    public void Validate()
    {
        SearchLimits.Count(Beams, nameof(Beams), SearchLimits.MaxTrajectoriesPerCall);
        SearchLimits.Count(Branches, nameof(Branches), SearchLimits.MaxRenoisings);
        if ((long)Beams * Branches > SearchLimits.MaxTrajectoriesPerCall)
            throw new ArgumentOutOfRangeException(nameof(Branches), $"beams x branches must be at most {SearchLimits.MaxTrajectoriesPerCall}");
        StageSchedule.Validate(Stages, nameof(ExpandAt), "expansion points");
        SearchLimits.Finite(Eta, nameof(Eta), 0, 1, lowOpen: true, highOpen: false);
        if (!Enum.IsDefined(Ranking)) throw new ArgumentOutOfRangeException(nameof(Ranking), "must be x0-prediction or noise-aware");
        SearchLimits.Count(Candidates, nameof(Candidates), SearchLimits.MaxTrajectoriesPerCall);
        if (Candidates < Beams) throw new ArgumentOutOfRangeException(nameof(Candidates), $"must be at least beams ({Beams})");
    }
}
