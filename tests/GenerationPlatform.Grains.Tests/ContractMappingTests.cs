using GenerationPlatform.Search;

namespace GenerationPlatform.Grains.Tests;

public sealed class ContractMappingTests
{
    private static SearchResult Result(double? verifierFlops, StopReason stop = StopReason.Completed) => new(
        "random", "classifier", [], [], new NfeSplit(100, 19, 238), 200, 2, 16, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 1, stop, verifierFlops);

    [Fact]
    public void A_result_states_its_verifiers_cost_in_nfe_of_its_model_and_why_it_stopped()
    {
        var job = Result(verifierFlops: 3 * 2.5e8, StopReason.TargetReached).ToContract("random", forwardFlops: 2.5e8);
        Assert.Equal(3.0, job.VerifierNfeEquivalents);
        Assert.Equal("target_reached", job.StopReason);
        Assert.Equal("no_improvement", Result(1, StopReason.NoImprovement).ToContract("random", 1).StopReason);
    }

    [Fact]
    public void An_unknown_cost_on_either_side_is_left_unset_rather_than_guessed()
    {
        Assert.Null(Result(verifierFlops: null).ToContract("random", forwardFlops: 2.5e8).VerifierNfeEquivalents);
        Assert.Null(Result(verifierFlops: 1e9).ToContract("random", forwardFlops: 0).VerifierNfeEquivalents);
    }
}
