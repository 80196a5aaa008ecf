using GenerationPlatform.Api.V1;
using GenerationPlatform.Cluster.Tests.Support;
using IDenoiserGrain = GenerationPlatform.Contracts.IDenoiserGrain;
using ISearchGrain = GenerationPlatform.Contracts.ISearchGrain;
using Xunit.Abstractions;

namespace GenerationPlatform.Cluster.Tests;

/// <summary>Three <c>genplat serve</c> processes on Azure Table clustering (Azurite); the silo doing the work is SIGKILLed mid-search.</summary>
public sealed class SiloKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private static readonly Dictionary<string, string> Tenants = new()
    {
        ["alpha"] = "alpha-cluster-key-0001",
        ["beta"] = "beta-cluster-key-0002",
        ["gamma"] = "gamma-cluster-key-0003",
    };

    /// <summary>Four jobs of three tenants, 48 candidates each: three rounds of 16, so a kill after round 0 lands mid-search.</summary>
    private static List<TenantJob> Workload() =>
    [
        new("alpha", Jobs.Request(11, "Sneaker", 48)),
        new("alpha", Jobs.Request(12, "Bag", 48)),
        new("beta", Jobs.Request(21, "Trouser", 48)),
        new("gamma", Jobs.Request(31, "Dress", 48)),
    ];

    [Fact]
    public async Task Every_job_completes_with_the_undisturbed_result_when_the_silo_doing_the_work_is_killed()
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

            var disturbed = Workload();
            await Jobs.SubmitAsync(cluster, disturbed, ct);
            // Mid-search: every job has finished round 0 of its 3.
            while (true)
            {
                var states = await Task.WhenAll(disturbed.Select(j => Jobs.GetAsync(cluster, j, ct)));
                if (states.All(s => s.LastRound >= 0 || s.State != JobState.Running)) break;
                await Task.Delay(100, ct);
            }

            // The victim: the silo hosting the most running search grains, the denoiser counting as one more.
            var orleans = await cluster.OrleansClientAsync(ct);
            var management = orleans.GetGrain<IManagementGrain>(0);
            var denoiserAt = await management.GetActivationAddress(orleans.GetGrain<IDenoiserGrain>(Jobs.Model));
            var searchesAt = new List<SiloAddress?>();
            foreach (var job in disturbed) searchesAt.Add(await management.GetActivationAddress(orleans.GetGrain<ISearchGrain>(job.JobId)));
            var victim = cluster.Silos.MaxBy(s =>
                searchesAt.Count(a => a?.Endpoint.Port == s.SiloPort) + (denoiserAt?.Endpoint.Port == s.SiloPort ? 1 : 0))!;
            var running = (await Task.WhenAll(disturbed.Select(j => Jobs.GetAsync(cluster, j, ct)))).Count(s => s.State == JobState.Running);
            int searchesOnVictim = searchesAt.Count(a => a?.Endpoint.Port == victim.SiloPort);
            bool denoiserOnVictim = denoiserAt?.Endpoint.Port == victim.SiloPort;
            output.WriteLine($"killing {victim.Name}: {searchesOnVictim} of {disturbed.Count} search grains, denoiser {(denoiserOnVictim ? "there" : $"at port {denoiserAt?.Endpoint.Port}")}; {running} jobs running");
            Assert.True(searchesOnVictim + (denoiserOnVictim ? 1 : 0) > 0, "the killed silo hosts no work");
            Assert.True(running > 0, "every job had already ended before the kill: nothing was disturbed");
            victim.Kill();

            var ended = await Jobs.WaitEndedAsync(cluster, disturbed, ct);
            for (int i = 0; i < disturbed.Count; i++)
            {
                Assert.True(JobState.Completed == ended[i].State, $"job {i} ({disturbed[i].Tenant}) ended {ended[i].State}: {ended[i].Message}");
                var result = ended[i].Result;
                await Jobs.AssertStoredAsync(cluster.ResultContainer, disturbed[i], result, ct);
                AssertSameResult(expected[i].Result, result);
            }
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
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
