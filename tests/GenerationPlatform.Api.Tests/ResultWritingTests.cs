using GenerationPlatform.Testing;
using GenerationPlatform.Contracts;
using GenerationPlatform.Grains;
using GenerationPlatform.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenerationPlatform.Api.Tests;

/// <summary>The result write that decides whether a job completes: stored whole, or not stored (the job keeps its result and retries).</summary>
public sealed class ResultWritingTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"genplat-results-{Guid.NewGuid():N}");
    private static readonly DateTimeOffset Accepted = new(2026, 11, 26, 1, 0, 0, TimeSpan.Zero);
    private static readonly ResultStoreRetryOptions QuickRetry = new()
    {
        MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1), TimeLimit = TimeSpan.FromSeconds(10),
    };

    private static (SearchJobState State, JobResult Result) Job(int topK)
    {
        var request = TestJobs.Spec("alpha", "gauss", "random", "mean-target", 7, 1.5f, 42, 190, topK);
        var top = Enumerable.Range(0, topK).Select(i => new JobCandidate(new CandidateSeed(42, 0, (uint)(3 - i)),
            Enumerable.Repeat(-1f + i, 784).ToArray(), -0.1 * i, new Dictionary<string, double> { ["mean-target"] = -0.1 * i }, 0, "sample")).ToArray();
        var result = new JobResult("random", "mean-target", top, 152, 38, 190, 190, 2, 10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.1), 1);
        return (new SearchJobState { Status = JobStatus.Running, Spec = request, AcceptedAt = Accepted }, result);
    }

    [Fact]
    public async Task AStoredResultSaysWhereItIs()
    {
        var (state, result) = Job(topK: 2);
        var store = new LocalFolderResultStore(root, QuickRetry);
        var location = await ResultWriting.StoreAsync(store, "job-1", state.Spec!, result, new GenerationPlatform.Core.Model.ImageShape(1, 28, 28), Accepted,
            Accepted.AddSeconds(2), NullLogger.Instance, CancellationToken.None);

        Assert.Equal(new Uri(Path.Combine(root, "alpha", "job-1", "result.json")).AbsoluteUri, location);
        var stored = await store.ReadAsync("alpha", "job-1");
        Assert.NotNull(stored);
        Assert.Equal(2, stored.TopPngs.Count);
        var json = System.Text.Json.JsonDocument.Parse(stored.ResultJson).RootElement;
        Assert.Equal(3u, json.GetProperty("top")[0].GetProperty("seed").GetProperty("candidate").GetUInt32());
        Assert.Equal(38, json.GetProperty("nfe").GetProperty("final").GetInt64());
        Assert.Equal(1.0, json.GetProperty("timings").GetProperty("searchSeconds").GetDouble());
    }

    [Fact]
    public async Task AStoreThatKeepsFailingReportsTheResultAsNotStored()
    {
        Directory.CreateDirectory(root);
        var blocker = Path.Combine(root, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the results folder should be");
        var (state, result) = Job(topK: 2);
        var store = new LocalFolderResultStore(blocker, QuickRetry);
        Assert.Null(await ResultWriting.StoreAsync(store, "job-2", state.Spec!, result, new GenerationPlatform.Core.Model.ImageShape(1, 28, 28), Accepted,
            Accepted.AddSeconds(2), NullLogger.Instance, CancellationToken.None));
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
