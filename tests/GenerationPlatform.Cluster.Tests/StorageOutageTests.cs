using System.Diagnostics;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace GenerationPlatform.Cluster.Tests;

/// <summary>
/// Blob storage (Azurite) stopped while a two-silo cluster's jobs are writing their results, for longer
/// than the store's retry window (3 s here): the jobs keep their results, retry every second, and
/// complete once storage is back; none is failed and none completes without its stored result.
/// </summary>
[Trait("Tier", "slow")]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(12);

    private static readonly Dictionary<string, string> Tenants = new()
    {
        ["alpha"] = "alpha-outage-key-0001",
        ["beta"] = "beta-outage-key-0002",
    };

    [Fact]
    public async Task JobsWaitOutAStorageOutageAndNoneIsCompletedWithoutItsStoredResult()
    {
        using var timeout = new CancellationTokenSource(Limit);
        var ct = timeout.Token;
        await using var cluster = await PlatformCluster.StartAsync(new ClusterSpec(2, Tenants)
        {
            Environment = new Dictionary<string, string>
            {
                ["GenerationPlatform__Results__Retry__TimeLimit"] = RetryWindow.ToString("c"),
                ["GenerationPlatform__Jobs__StoreRetryPeriod"] = "00:00:01",
            },
        }, ct);
        try
        {
            // One round of 16 candidates each: the search ends within seconds and the result write starts.
            List<TenantJob> jobs =
            [
                new("alpha", Jobs.Request(101, "Sneaker", 16)),
                new("alpha", Jobs.Request(102, "Shirt", 16)),
                new("beta", Jobs.Request(201, "Bag", 16)),
                new("beta", Jobs.Request(202, "Coat", 16)),
            ];
            // Blob storage goes down before the jobs are submitted, so every result write falls inside the outage (a job
            // submitted first could finish and store its result before the stop took effect, and then legitimately be
            // complete). Graceful: Azurite saves its state (a SIGKILLed Azurite forgets unsaved blobs, containers included).
            cluster.Blobs.Stop(graceful: true);
            var down = Stopwatch.StartNew();
            await Jobs.SubmitAsync(cluster, jobs, ct);

            // While the results cannot be written, no job may say it completed, nor fail; the searches themselves finish.
            // The outage lasts its twelve seconds (four retry windows), and longer if no search has finished yet (a slow
            // machine). GetJob answers promptly meanwhile: it never waits on the store for a running job.
            var searched = new HashSet<int>();
            var slowest = TimeSpan.Zero;
            while (down.Elapsed < Outage || searched.Count == 0)
            {
                for (int i = 0; i < jobs.Count; i++)
                {
                    var asked = Stopwatch.StartNew();
                    var job = await Jobs.GetAsync(cluster, jobs[i], ct);
                    slowest = asked.Elapsed > slowest ? asked.Elapsed : slowest;
                    Assert.True(job.State == JobState.Running, $"job {i} is {job.State} while blob storage is down: {job.Message}");
                    if (job.LastRound >= 0) searched.Add(i);
                }
                await Task.Delay(200, ct);
            }
            output.WriteLine($"slowest GetJob during the outage: {slowest.TotalMilliseconds:F0} ms");
            Assert.True(slowest < RetryWindow, $"GetJob waited {slowest} during the outage");
            output.WriteLine($"{searched.Count} of {jobs.Count} jobs had finished searching and were writing when storage came back after {down.Elapsed.TotalSeconds:F1} s");
            Assert.NotEmpty(searched); // the outage did hit result writes
            await cluster.Blobs.StartAgainAsync(ct);

            var ended = await Jobs.WaitEndedAsync(cluster, jobs, ct);
            for (int i = 0; i < jobs.Count; i++)
            {
                Assert.True(JobState.Completed == ended[i].State, $"job {i} ended {ended[i].State}: {ended[i].Message}");
                await Jobs.AssertStoredAsync(cluster.ResultContainer, jobs[i], ended[i].Result, ct);
            }
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }
}
