namespace GenerationPlatform.Contracts;

/// <summary>A small PNG of a candidate while its job runs (generation.v1.Preview), at most <c>SearchJobLimits.PreviewSide</c> pixels a side.</summary>
[GenerateSerializer, Immutable]
public sealed record PreviewImage(
    [property: Id(0)] int Rank,
    [property: Id(1)] byte[] Png,
    [property: Id(2)] CandidateSeed Seed,
    [property: Id(3)] double Score,
    [property: Id(4)] int Round,
    [property: Id(5)] string Origin);
