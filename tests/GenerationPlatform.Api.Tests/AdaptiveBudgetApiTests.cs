using GenerationPlatform.Api.V1;
using Grpc.Core;

namespace GenerationPlatform.Api.Tests;

/// <summary>target_score and patience over gRPC: validated at the edge, the job stops early, is charged what it spent and says why.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AdaptiveBudgetApiTests(PlatformFixture fixture)
{
    [Fact]
    public async Task AJobThatReachesItsTargetStopsAndIsChargedOnlyWhatItSpent()
    {
        using var client = fixture.Client(PlatformFixture.SoloKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var before = (await client.GetUsageAsync()).SettledNfeTotal;
        var request = PlatformFixture.Request(budget: 19 * 40, seed: 31);
        request.Algorithm = "random";
        request.TargetScore = -100; // mean-target scores are -|mean - 0.55| (about -1.2 here): met by the first round
        var result = (await client.GenerateToEndAsync(request, timeout.Token)).Result;
        Assert.NotNull(result);
        Assert.True(result.StopReason == "target_reached", $"{result.StopReason}: {result.Rounds} rounds, {result.Nfe.Search}+{result.Nfe.Final} NFE");
        long spent = result.Nfe.Search + result.Nfe.Final;
        // With a target, random search takes rounds of 2 by default: the first round, 2 of 40 candidates, meets it.
        Assert.Equal((1, 2L * 19), (result.Rounds, spent));
        Assert.Equal(spent, (await client.GetUsageAsync()).SettledNfeTotal - before);

        var full = PlatformFixture.Request(budget: 19 * 8, seed: 32);
        Assert.Equal("completed", (await client.GenerateToEndAsync(full, timeout.Token)).Result.StopReason);
    }

    public static TheoryData<string, Action<GenerateRequest>> BadRules => new()
    {
        { "target_score", r => r.TargetScore = double.NaN },
        { "target_score", r => r.TargetScore = double.NegativeInfinity },
        { "patience", r => r.Patience = 0 },
        { "patience", r => r.Patience = 5000 },
        { "patience", r => { r.Algorithm = "paths"; r.Patience = 2; } },
        { "target_score", r => { r.Algorithm = "particles"; r.TargetScore = 0; } },
        { "target_score", r => { r.Verifier = "ensemble(mean-target,mean-target-b)"; r.TargetScore = 0; } },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task ABadRuleIsInvalidAndNamesItsField(string field, Action<GenerateRequest> spoil)
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var request = PlatformFixture.Request(budget: 19 * 8);
        spoil(request);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(field + ":", e.Status.Detail, StringComparison.Ordinal);
    }
}
