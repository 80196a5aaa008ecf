using GenerationPlatform.Contracts;
using GenerationPlatform.Search;

namespace GenerationPlatform.Grains.Tests;

public sealed class ContractMappingTests
{
    private static SearchResult Result(double? verifierFlops, StopReason stop = StopReason.Completed) => new(
        "random", "classifier", [], [], new NfeSplit(100, 19, 238), 200, 2, 16, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 1, stop, verifierFlops);

    [Fact]
    public void AResultStatesItsVerifiersCostInNfeOfItsModelAndWhyItStopped()
    {
        var job = Result(verifierFlops: 3 * 2.5e8, StopReason.TargetReached).ToContract("random", forwardFlops: 2.5e8);
        Assert.Equal(3.0, job.VerifierNfeEquivalents);
        Assert.Equal("target_reached", job.StopReason);
        Assert.Equal("no_improvement", Result(1, StopReason.NoImprovement).ToContract("random", 1).StopReason);
    }

    [Fact]
    public void AnUnknownCostOnEitherSideIsLeftUnsetRatherThanGuessed()
    {
        Assert.Null(Result(verifierFlops: null).ToContract("random", forwardFlops: 2.5e8).VerifierNfeEquivalents);
        Assert.Null(Result(verifierFlops: 1e9).ToContract("random", forwardFlops: 0).VerifierNfeEquivalents);
    }
}
