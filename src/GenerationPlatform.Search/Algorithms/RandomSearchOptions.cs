using System.ComponentModel;

namespace GenerationPlatform.Search.Algorithms;

/// <summary>Random search parameters: preview steps for scoring (null: score full-quality samples) and the round size.</summary>
public sealed record RandomSearchOptions(
    [property: Description("score candidates on previews of this many steps and regenerate the top-k at full quality (default: score full samples)")] int? PreviewSteps = null,
    [property: Description("candidates per round: smaller rounds let an adaptive budget stop sooner")] int CandidatesPerRound = 16)
{
    public void Validate()
    {
        SearchLimits.Count(PreviewSteps, nameof(PreviewSteps), SearchLimits.MaxSteps);
        SearchLimits.Count(CandidatesPerRound, nameof(CandidatesPerRound), SearchLimits.MaxTrajectoriesPerCall);
    }
}
