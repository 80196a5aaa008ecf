using System.ComponentModel;

namespace GenerationPlatform.Search.Algorithms;

/// <param name="Neighbours">N: proposals per round (neighbours, or a fresh noise and N - 1 of its neighbours after a restart).</param>
/// <param name="Cosine">c: cosine between a neighbour and the pivot, in (0, 1).</param>
/// <param name="MaxRounds">K: at most this many rounds (the budget may stop the search sooner).</param>
public sealed record ZeroOrderOptions(
    [property: Description("N: proposals per round around the pivot noise")] int Neighbours = 4,
    [property: Description("c: cosine between a neighbour and the pivot, in (0, 1)")] double Cosine = 0.95,
    [property: Description("K: at most this many rounds (the budget may stop the search sooner)")] int MaxRounds = SearchLimits.MaxRounds - 1,
    [property: Description("when no neighbour beats the pivot: keep it, or restart from a fresh noise")] ZeroOrderOnReject OnReject = ZeroOrderOnReject.KeepPivot)
{
    public void Validate()
    {
        SearchLimits.Count(Neighbours, nameof(Neighbours), SearchLimits.MaxTrajectoriesPerCall);
        SearchLimits.Finite(Cosine, nameof(Cosine), 0, 1, lowOpen: true, highOpen: true);
        SearchLimits.Count(MaxRounds, nameof(MaxRounds), SearchLimits.MaxRounds - 1);
    }
}
