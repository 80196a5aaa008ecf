using System.Text.Json;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Diffusion.Imaging;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GenerationPlatform.Api.Tests;

[Collection(PlatformCollection.Name)]
public sealed class EndToEndTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GenerateStreamsAcceptedProgressThenTheResultWithStoredPngs()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        using var timeout = new CancellationTokenSource(Patience);
        var updates = new List<JobUpdate>();
        await foreach (var u in client.GenerateAsync(PlatformFixture.Request(), timeout.Token)) updates.Add(u);

        Assert.Equal(JobUpdate.UpdateOneofCase.Accepted, updates[0].UpdateCase);
        Assert.Equal(7ul, updates[0].Accepted.Seed);
        Assert.Contains(updates, u => u.UpdateCase == JobUpdate.UpdateOneofCase.Progress);
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.Index));
        // Every progress update says something new (no round repeated with the same NFE and best), with the model evaluations it took.
        var progress = updates.Where(u => u.UpdateCase == JobUpdate.UpdateOneofCase.Progress).Select(u => u.Progress).ToList();
        Assert.All(progress, p => Assert.True(p.Nfe.ModelEvaluations >= p.Nfe.Search + p.Nfe.Final && p.Nfe.ModelEvaluations > 0, p.ToString()));
        Assert.Equal(progress.Count, progress.Select(p => (p.Nfe.Search + p.Nfe.Final, string.Join(",", p.Best.Select(b => b.Seed.Candidate)))).Distinct().Count());
        Assert.All(updates, u => Assert.Equal(updates[0].JobId, u.JobId));
        var result = updates[^1].Result;
        Assert.NotNull(result);

        // Top 2 of 8 candidates of 19 NFE, best first, each a 28x28 PNG scored by the verifier.
        Assert.Equal(2, result.Images.Count);
        Assert.Equal(152, result.Nfe.Search + result.Nfe.Final);
        Assert.Equal(152, result.Nfe.Budget);
        Assert.True(result.Images[0].Score >= result.Images[1].Score);
        foreach (var image in result.Images)
        {
            var (pixels, width, height) = ImageGrid.DecodeGray(image.Png.ToByteArray());
            Assert.Equal((28, 28), (width, height));
            Assert.Equal(784, pixels.Length);
            Assert.Equal(7ul, image.Seed.Seed);
            Assert.True(image.ScoresByVerifier.ContainsKey(PlatformFixture.Verifier));
        }

        // Stored under {tenant}/{job}/, the same bytes, with a result.json that agrees.
        var folder = Path.Combine(fixture.ResultsFolder, "alpha", result.JobId);
        // The location names the result within the tenant's results, never a path on the server.
        Assert.Equal($"results/{result.JobId}/result.json", result.ResultLocation);
        Assert.Equal(result.Images[0].Png.ToByteArray(), await File.ReadAllBytesAsync(Path.Combine(folder, "top-1.png")));
        Assert.Equal(result.Images[1].Png.ToByteArray(), await File.ReadAllBytesAsync(Path.Combine(folder, "top-2.png")));
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(folder, "result.json")));
        var root = json.RootElement;
        Assert.Equal(result.JobId, root.GetProperty("jobId").GetString());
        Assert.Equal("alpha", root.GetProperty("tenant").GetString());
        Assert.Equal(7, root.GetProperty("request").GetProperty("class").GetProperty("index").GetInt32());
        Assert.Equal("Sneaker", root.GetProperty("request").GetProperty("class").GetProperty("name").GetString());
        Assert.Equal(result.Nfe.Search, root.GetProperty("nfe").GetProperty("search").GetInt64());
        Assert.Equal(result.Nfe.Final, root.GetProperty("nfe").GetProperty("final").GetInt64());
        Assert.Equal(result.Images[0].Seed.Candidate, root.GetProperty("top")[0].GetProperty("seed").GetProperty("candidate").GetUInt32());
        Assert.Equal(result.Images[0].Score, root.GetProperty("top")[0].GetProperty("score").GetDouble());

        // GetJob reads the same result back from the store.
        var job = await client.GetJobAsync(result.JobId);
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(152, job.SpentNfe);
        Assert.Equal(updates.Count, job.UpdateCount);
        Assert.Equal(result.Images.Select(i => i.Png), job.Result.Images.Select(i => i.Png));
        Assert.Equal(result.ResultLocation, job.Result.ResultLocation);
    }

    [Fact]
    public async Task AlgorithmParametersReachTheSearch()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var plain = PlatformFixture.Request(seed: 31);
        plain.Algorithm = "pruned";
        var fewer = PlatformFixture.Request(seed: 31);
        fewer.Algorithm = "pruned(candidates=4,keep=0.5)";
        var byDefault = (await client.GenerateToEndAsync(plain)).Result;
        var tuned = (await client.GenerateToEndAsync(fewer)).Result;

        // The result names what ran: the algorithm with every parameter that has a value, defaults included.
        Assert.Equal("pruned(keep=0.5,ranking=x0-prediction)", byDefault.Algorithm);
        Assert.Equal("pruned(keep=0.5,candidates=4,ranking=x0-prediction)", tuned.Algorithm);
        // 4 candidates through the pruning schedule cost less than the most the 152-NFE budget allows.
        Assert.True(tuned.Nfe.Search + tuned.Nfe.Final < byDefault.Nfe.Search + byDefault.Nfe.Final,
            $"tuned {tuned.Nfe.Search + tuned.Nfe.Final} NFE, default {byDefault.Nfe.Search + byDefault.Nfe.Final} NFE");
        Assert.All(tuned.Images, i => Assert.True(i.Seed.Candidate < 4));
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameImages()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var first = (await client.GenerateToEndAsync(PlatformFixture.Request(seed: 99))).Result;
        var second = (await client.GenerateToEndAsync(PlatformFixture.Request(seed: 99))).Result;
        Assert.NotEqual(first.JobId, second.JobId);
        Assert.Equal(first.Images.Select(i => i.Png), second.Images.Select(i => i.Png));
        Assert.Equal(first.Images.Select(i => i.Seed), second.Images.Select(i => i.Seed));
    }

    [Fact]
    public async Task ConcurrentGeneratesOfTwoTenantsAllCompleteWithTheirOwnResults()
    {
        using var alpha = fixture.Client(PlatformFixture.AlphaKey);
        using var beta = fixture.Client(PlatformFixture.BetaKey);
        var ends = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? alpha : beta).GenerateToEndAsync(PlatformFixture.Request(seed: (ulong)(1000 + i)))));
        Assert.All(ends, e => Assert.Equal(JobUpdate.UpdateOneofCase.Result, e.UpdateCase));
        Assert.Equal(6, ends.Select(e => e.JobId).Distinct().Count());
        for (int i = 0; i < ends.Length; i++)
        {
            Assert.All(ends[i].Result.Images, image => Assert.Equal((ulong)(1000 + i), image.Seed.Seed));
            Assert.True(File.Exists(Path.Combine(fixture.ResultsFolder, i % 2 == 0 ? "alpha" : "beta", ends[i].JobId, "result.json")));
        }
    }

    [Fact]
    public async Task WatchReplaysTheWholeHistoryAndResumesFromAnIndex()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var submitted = await client.SubmitAsync(PlatformFixture.Request(seed: 21));
        Assert.StartsWith("job-", submitted.JobId);
        Assert.Equal(21ul, submitted.Seed);

        var all = await ToListAsync(client.WatchAsync(submitted.JobId));
        Assert.Equal(JobUpdate.UpdateOneofCase.Accepted, all[0].UpdateCase);
        Assert.Equal(JobUpdate.UpdateOneofCase.Result, all[^1].UpdateCase);
        Assert.Equal(Enumerable.Range(0, all.Count), all.Select(u => u.Index));

        // Re-attaching later from an index replays exactly the tail.
        var tail = await ToListAsync(client.WatchAsync(submitted.JobId, fromIndex: 1));
        Assert.Equal(all.Skip(1), tail);
        var again = await ToListAsync(client.WatchAsync(submitted.JobId));
        Assert.Equal(all, again);
        // Past the end of a finished job: nothing more will come, so the stream ends empty.
        Assert.Empty(await ToListAsync(client.WatchAsync(submitted.JobId, fromIndex: all.Count)));
        Assert.Empty(await ToListAsync(client.WatchAsync(submitted.JobId, fromIndex: 1000)));
    }

    [Fact]
    public async Task CancelStopsARunningJobAndItsStreamSaysSo()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var submitted = await client.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 2000));
        using var timeout = new CancellationTokenSource(Patience);
        var updates = new List<JobUpdate>();
        await foreach (var u in client.WatchAsync(submitted.JobId, cancellationToken: timeout.Token))
        {
            updates.Add(u);
            if (u.UpdateCase == JobUpdate.UpdateOneofCase.Progress && updates.Count(x => x.UpdateCase == JobUpdate.UpdateOneofCase.Progress) == 1)
            {
                var cancel = await client.CancelAsync(submitted.JobId);
                Assert.True(cancel.Cancelling);
            }
        }
        var end = updates[^1];
        Assert.Equal(JobUpdate.UpdateOneofCase.Ended, end.UpdateCase);
        Assert.Equal(JobState.Cancelled, end.Ended.State);
        Assert.True(end.Ended.Nfe.Search < 19 * 2000, $"{end.Ended.Nfe.Search} NFE: the job did not stop early");

        var job = await client.GetJobAsync(submitted.JobId);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Null(job.Result);
        Assert.False(Directory.Exists(Path.Combine(fixture.ResultsFolder, "alpha", submitted.JobId)));
        Assert.False((await client.CancelAsync(submitted.JobId)).Cancelling); // already over
    }

    [Fact]
    public async Task AJobPastItsDeadlineEndsAsDeadlineExceeded()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var request = PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 2000);
        request.Deadline = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(400));
        var end = await client.GenerateToEndAsync(request);
        Assert.Equal(JobUpdate.UpdateOneofCase.Ended, end.UpdateCase);
        Assert.Equal(JobState.DeadlineExceeded, end.Ended.State);
        Assert.Contains("deadline", end.Ended.Message);
        Assert.Equal(JobState.DeadlineExceeded, (await client.GetJobAsync(end.JobId)).State);
    }

    [Fact]
    public async Task OverQuotaIsResourceExhausted()
    {
        using var solo = fixture.Client(PlatformFixture.SoloKey);
        var running = await solo.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 2000));
        try
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => solo.SubmitAsync(PlatformFixture.Request()));
            Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
            Assert.Contains("jobs are running", e.Status.Detail);
        }
        finally
        {
            await solo.CancelAsync(running.JobId);
        }

        using var small = fixture.Client(PlatformFixture.SmallKey);
        // Over the tenant's per-request maximum: no retry can pass, so not RESOURCE_EXHAUSTED (which invites one).
        var tooBig = await Assert.ThrowsAsync<RpcException>(() => small.SubmitAsync(PlatformFixture.Request(budget: 19 * 8)));
        Assert.Equal(StatusCode.FailedPrecondition, tooBig.StatusCode);
        Assert.Contains("a retry cannot pass", tooBig.Status.Detail);
        Assert.StartsWith("budget_nfe:", tooBig.Status.Detail);
        var usage = await small.GetUsageAsync();
        Assert.Equal("small", usage.Tenant);
        Assert.Equal(100, usage.Quota.MaxBudgetPerRequest);
        Assert.True((await solo.GetUsageAsync()).JobsRejected >= 1, "the refusal for concurrency is counted");
    }

    [Fact]
    public async Task CatalogCallsListWhatARequestCanName()
    {
        using var client = fixture.Client(PlatformFixture.BetaKey);
        var models = await client.ListModelsAsync();
        Assert.Contains(models.Models, m => m.Name == PlatformFixture.Model);
        Assert.Contains("particles", models.Algorithms);
        var model = models.Models.Single(m => m.Name == PlatformFixture.Model);
        Assert.Equal("Sneaker", model.Classes[7]);
        Assert.Equal(("class", 1, 28, 28), (model.Conditioning, model.Image.Channels, model.Image.Height, model.Image.Width));
        var verifiers = await client.ListVerifiersAsync();
        Assert.Contains(verifiers.Verifiers, v => v.Name == PlatformFixture.Verifier);
    }

    private static async Task<List<JobUpdate>> ToListAsync(IAsyncEnumerable<JobUpdate> updates)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var list = new List<JobUpdate>();
        await foreach (var u in updates.WithCancellation(timeout.Token)) list.Add(u);
        return list;
    }
}
