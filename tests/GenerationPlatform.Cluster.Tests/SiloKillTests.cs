using GenerationPlatform.Api.V1;
using GenerationPlatform.Cluster.Tests.Support;
using GenerationPlatform.LocalCluster;
using IDenoiserGrain = GenerationPlatform.Contracts.IDenoiserGrain;
using ISearchGrain = GenerationPlatform.Contracts.ISearchGrain;
using Xunit.Abstractions;

namespace GenerationPlatform.Cluster.Tests;

/// <summary>Three silo executable processes (genplat-silo) on Azure Table clustering (Azurite); silos doing the work are SIGKILLed mid-search, one at a time.</summary>
[Trait("Tier", "slow")]
public sealed class SiloKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private static readonly Dictionary<string, string> Tenants = new()
    {
        ["alpha"] = "alpha-cluster-key-0001",
        ["beta"] = "beta-cluster-key-0002",
        ["gamma"] = "gamma-cluster-key-0003",
    };

    /// <summary>
    /// Four jobs of three tenants, 256 candidates each: sixteen rounds of 16, so a kill after round 0 lands mid-search.
    /// With a denoiser on every silo a round of these 4-step Euler samples takes a fraction of a second on an idle
    /// machine: fifteen rounds left (about as many seconds) leave room for the status polling and the placement queries
    /// between the end of round 0 and the kill, where four rounds did not on an idle machine.
    /// </summary>
    private static List<TenantJob> Workload() =>
    [
        new("alpha", Jobs.Request(11, "Sneaker", 256)),
        new("alpha", Jobs.Request(12, "Bag", 256)),
        new("beta", Jobs.Request(21, "Trouser", 256)),
        new("gamma", Jobs.Request(31, "Dress", 256)),
    ];

    [Fact]
    public async Task EveryJobCompletesWithTheUndisturbedResultWhenTheSiloDoingTheWorkIsKilled()
    {
        using var timeout = new CancellationTokenSource(Limit);
        var ct = timeout.Token;
        await using var cluster = await PlatformCluster.StartAsync(new ClusterSpec(3, Tenants), ct);
        try
        {
            // The undisturbed run: the same requests (fixed seeds) on the same cluster.
            var undisturbed = Workload();
            await Jobs.SubmitAsync(cluster, undisturbed, ct);
            var expected = await Jobs.WaitEndedAsync(cluster, undisturbed, ct);
            Assert.All(expected, j => Assert.Equal(JobState.Completed, j.State));

            // First kill: the silo running the most search grains (a denoiser counting as one more). Its jobs resume
            // on the other silos from their last round.
            await DisturbedRunAsync(cluster, expected, "the most jobs", (where, victim) =>
                where.Searches.Count(a => a?.Endpoint.Port == victim.SiloPort) * 2 + (where.Denoisers.Any(d => d.Endpoint.Port == victim.SiloPort) ? 1 : 0),
                where => Assert.Contains(where.Searches, a => a is not null && a.Endpoint.Port == where.Victim.SiloPort), ct);

            // Second kill, of one of the two left: a silo with a denoiser, the one with fewer search grains. Jobs whose
            // search grain lives on the other silo lose that denoiser in the middle of a call and go on: the call is
            // routed to the denoiser of the surviving silo, without being charged twice.
            await DisturbedRunAsync(cluster, expected, "a denoiser", (where, victim) =>
                    (where.Denoisers.Any(d => d.Endpoint.Port == victim.SiloPort) ? 10 : 0) - where.Searches.Count(a => a?.Endpoint.Port == victim.SiloPort),
                where => Assert.Contains(where.Searches, a => a is not null && a.Endpoint.Port != where.Victim.SiloPort), ct);
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    private sealed record Placement(List<SiloAddress> Denoisers, List<SiloAddress?> Searches, SiloProcess Victim);

    /// <summary>
    /// Runs the workload again, SIGKILLs the running silo that <paramref name="score"/> ranks first once every job has
    /// finished round 0 of its 4, and checks every job completes with its stored result equal to the undisturbed one.
    /// </summary>
    private async Task DisturbedRunAsync(PlatformCluster cluster, Job[] expected, string victimIs, Func<Placement, SiloProcess, int> score,
        Action<Placement> assertPlacement, CancellationToken ct)
    {
        // The Orleans client that reads the placement connects first: connecting takes seconds, which must not fall
        // between the end of round 0 and the kill.
        var orleans = await cluster.OrleansClientAsync(ct);
        var disturbed = Workload();
        await Jobs.SubmitAsync(cluster, disturbed, ct);
        while (true)
        {
            var states = await Task.WhenAll(disturbed.Select(j => Jobs.GetAsync(cluster, j, ct)));
            if (states.All(s => s.LastRound >= 0 || s.State != JobState.Running)) break;
            await Task.Delay(100, ct);
        }

        // Where Orleans placed the work, from the management grain.
        var management = orleans.GetGrain<IManagementGrain>(0);
        // One denoiser per (model, silo), keyed "{model}|{silo}": the silos where one is active.
        var denoisers = new List<SiloAddress>();
        foreach (var silo in (await management.GetHosts(onlyActive: true)).Keys)
            if (await management.GetActivationAddress(orleans.GetGrain<IDenoiserGrain>($"{Jobs.Model}|{silo.ToParsableString()}")) is { } at) denoisers.Add(at);
        var searches = new List<SiloAddress?>();
        foreach (var job in disturbed) searches.Add(await management.GetActivationAddress(orleans.GetGrain<ISearchGrain>(job.JobId)));
        var where = new Placement(denoisers, searches, null!);
        var victim = cluster.Running.MaxBy(s => score(where, s))!;
        where = where with { Victim = victim };
        int running = (await Task.WhenAll(disturbed.Select(j => Jobs.GetAsync(cluster, j, ct)))).Count(s => s.State == JobState.Running);
        output.WriteLine($"killing {victim.Name} ({victimIs}); {running} of {disturbed.Count} jobs running; search grains: "
            + string.Join(", ", cluster.Running.Select(s => $"{s.Name} {searches.Count(a => a?.Endpoint.Port == s.SiloPort)}"))
            + $"; denoisers on {string.Join(", ", denoisers.Select(d => cluster.SiloAt(d.Endpoint.Port)?.Name ?? "?"))}");
        assertPlacement(where);
        Assert.True(running > 0, "every job had already ended before the kill: nothing was disturbed");
        victim.Kill();

        var ended = await Jobs.WaitEndedAsync(cluster, disturbed, ct);
        for (int i = 0; i < disturbed.Count; i++)
        {
            Assert.True(JobState.Completed == ended[i].State, $"job {i} ({disturbed[i].Tenant}) ended {ended[i].State}: {ended[i].Message}");
            await Jobs.AssertStoredAsync(cluster.ResultContainer, disturbed[i], ended[i].Result, ct);
            AssertSameResult(expected[i].Result, ended[i].Result);
        }
    }

    /// <summary>
    /// Same top-k seeds in the same order, same NFE, and the same scores and images up to float noise. A resumed job
    /// batches its trajectories with different neighbours on the CPU (batch composition changes the order of
    /// reductions in the convolutions), so final images may differ in the last float bits: pixels are compared within
    /// 2 gray levels of 255 and scores within 1e-3; the choice of candidates, which is what search decides, exactly.
    /// </summary>
    private static void AssertSameResult(JobResult expected, JobResult actual)
    {
        Assert.Equal(expected.Images.Select(i => i.Seed), actual.Images.Select(i => i.Seed));
        Assert.Equal(expected.Nfe.Search, actual.Nfe.Search);
        Assert.Equal(expected.Nfe.Final, actual.Nfe.Final);
        Assert.Equal(expected.Rounds, actual.Rounds);
        for (int k = 0; k < expected.Images.Count; k++)
        {
            Assert.Equal(expected.Images[k].Score, actual.Images[k].Score, 1e-3);
            var a = Jobs.Pixels(expected.Images[k].Png.ToByteArray());
            var b = Jobs.Pixels(actual.Images[k].Png.ToByteArray());
            Assert.Equal(a.Length, b.Length);
            Assert.True(a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 2), $"top-{k + 1} differs by more than 2 gray levels");
        }
    }
}
