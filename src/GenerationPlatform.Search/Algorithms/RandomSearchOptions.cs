namespace GenerationPlatform.Search.Algorithms;

/// <summary>Random search parameters: preview steps for scoring (null: score full-quality samples) and the round size.</summary>
public sealed record RandomSearchOptions(int? PreviewSteps = null, int CandidatesPerRound = 16)
{
    public void Validate()
    {
        SearchLimits.Count(PreviewSteps, nameof(PreviewSteps), SearchLimits.MaxSteps);
        SearchLimits.Count(CandidatesPerRound, nameof(CandidatesPerRound), SearchLimits.MaxTrajectoriesPerCall);
    }
}
