namespace GenerationPlatform.Search;

/// <summary>What a search will do, computed before it starts from its request and parameters alone.</summary>
/// <param name="Nfe">The exact NFE the search charges (never more than the budget).</param>
/// <param name="Rounds">Rounds it reports.</param>
/// <param name="LargestCall">The most trajectories in one of its denoise calls.</param>
/// <param name="ScoredImages">Images it scores and keeps as candidates.</param>
public sealed record SearchPlan(long Nfe, int Rounds, int LargestCall, int ScoredImages);
