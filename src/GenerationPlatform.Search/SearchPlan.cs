namespace GenerationPlatform.Search;

/// <summary>What a search will do, computed before it starts from its request and parameters alone.</summary>
/// <param name="Nfe">The exact NFE the search charges (never more than the budget).</param>
/// <param name="Rounds">Rounds it reports.</param>
/// <param name="LargestCall">The most trajectories in one of its denoise calls.</param>
/// <param name="ScoredImages">Images it scores and keeps as candidates.</param>
/// <param name="VerifiedImages">
/// Images it sends to its verifiers, at most: its candidates, and what it scores again (zero-order re-scores its pivot with each
/// round's neighbours). A batch-relative verifier (an ensemble) may re-score the candidates once more to rank them together:
/// <see cref="VerifiedImagesWith"/>. What its verification is charged for.
/// </param>
public sealed record SearchPlan(long Nfe, int Rounds, int LargestCall, int ScoredImages, int VerifiedImages)
{
    /// <summary>Images through the verifiers at most, when the optimized verifier is batch-relative or not.</summary>
    public long VerifiedImagesWith(bool batchRelative) => VerifiedImages + (batchRelative ? (long)ScoredImages : 0);
}
