using System.ComponentModel;

namespace GenerationPlatform.Search.Algorithms;

/// <param name="PruneAt">Fractions of the step schedule after which candidates are pruned, increasing, in (0, 1).</param>
/// <param name="Keep">Fraction of candidates kept at each pruning (never fewer than top-k).</param>
/// <param name="Candidates">N; null: the most the budget allows.</param>
/// <param name="Ranking">How candidates are ranked at a pruning point: the verifier on their x0-predictions, or the verifier's
/// noise-aware head, which predicts the finished image's score from the x0-prediction and its time (SEARCH.md section 3.4).</param>
public sealed record PrunedOptions(
    [property: Description("fractions of the step schedule after which candidates are pruned, increasing, in (0, 1) (default: 0.2, 0.4)")] double[]? PruneAt = null,
    [property: Description("fraction of candidates kept at each pruning (never fewer than top-k)")] double Keep = 0.5,
    [property: Description("N: starting noises (default: the most the budget allows)")] int? Candidates = null,
    [property: Description("x0-prediction: the verifier on x0-predictions; noise-aware: its noise-aware head")] PruneRanking Ranking = PruneRanking.X0Prediction)
{
    public double[] Stages => PruneAt ?? [0.2, 0.4];

    public void Validate()
    {
        StageSchedule.Validate(Stages, nameof(PruneAt), "pruning points");
        SearchLimits.Finite(Keep, nameof(Keep), 0, 1, lowOpen: true, highOpen: true);
        SearchLimits.Count(Candidates, nameof(Candidates), SearchLimits.MaxTrajectoriesPerCall);
        if (!Enum.IsDefined(Ranking)) throw new ArgumentOutOfRangeException(nameof(Ranking), "must be x0-prediction or noise-aware");
    }
}
