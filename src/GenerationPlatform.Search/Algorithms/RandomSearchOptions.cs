using System.ComponentModel;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// Random search parameters: preview steps for scoring (null: score full-quality samples) and the round size (null: the
/// default, <see cref="RoundSize"/>).
/// </summary>
public sealed record RandomSearchOptions(
    [property: Description("score candidates on previews of this many steps and regenerate the top-k at full quality (default: score full samples)")] int? PreviewSteps = null,
    [property: Description("candidates per round: smaller rounds let an adaptive budget stop sooner (default: 16, or 2 when the request sets a target score or patience, "
        + "so that a search can stop after any 2 candidates)")] int? CandidatesPerRound = null)
{
    /// <summary>The round size of a request that does not stop early.</summary>
    public const int DefaultRound = 16;

    /// <summary>The round size of a request with a target score or patience: a search that may stop early checks after every 2 candidates.</summary>
    public const int AdaptiveRound = 2;

    public void Validate()
    {
        SearchLimits.Count(PreviewSteps, nameof(PreviewSteps), SearchLimits.MaxSteps);
        SearchLimits.Count(CandidatesPerRound, nameof(CandidatesPerRound), SearchLimits.MaxTrajectoriesPerCall);
    }

    /// <summary>
    /// The candidates per round for <paramref name="candidates"/> candidates of <paramref name="request"/>: the parameter
    /// when given; else <see cref="AdaptiveRound"/> for a request that stops early and <see cref="DefaultRound"/> for one
    /// that does not, raised where needed so that a default never makes more than <see cref="SearchLimits.MaxRounds"/> rounds.
    /// </summary>
    public int RoundSize(SearchRequest request, int candidates)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CandidatesPerRound is int given) return given;
        int size = request.StopsEarly ? AdaptiveRound : DefaultRound;
        return Math.Max(size, (candidates + SearchLimits.MaxRounds - 1) / SearchLimits.MaxRounds);
    }
}
