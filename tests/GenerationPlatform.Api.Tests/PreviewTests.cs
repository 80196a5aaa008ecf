using GenerationPlatform.Api.V1;
using GenerationPlatform.Diffusion.Imaging;
using Grpc.Core;

namespace GenerationPlatform.Api.Tests;

/// <summary>Progress updates carry small pictures of the best candidates when a request asks for them, and only then.</summary>
[Collection(PlatformCollection.Name)]
public sealed class PreviewTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Four rounds of two candidates on the slow field (5 ms a call), so each round is an update of its own.</summary>
    private static GenerateRequest Request(int? previews, ulong seed)
    {
        var request = PlatformFixture.Request(PlatformFixture.SlowModel, seed: seed);
        request.Algorithm = "random(candidates-per-round=2)";
        if (previews is { } n) request.Previews = n;
        return request;
    }

    [Fact]
    public async Task ProgressUpdatesShowTheBestCandidatesAsAskedAndOnlyTheLatestKeepsThemInTheHistory()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        using var timeout = new CancellationTokenSource(Patience);
        var live = new List<JobUpdate>();
        await foreach (var u in client.GenerateAsync(Request(previews: 2, seed: 61), timeout.Token)) live.Add(u);
        var progress = live.Where(u => u.UpdateCase == JobUpdate.UpdateOneofCase.Progress).Select(u => u.Progress).ToList();
        Assert.True(progress.Count >= 2, $"{progress.Count} progress updates");

        // Each picture is the candidate it says it is: the update's best, in rank order, a 28 x 28 grayscale PNG.
        Assert.Contains(progress, p => p.Previews.Count > 0);
        foreach (var p in progress.Where(p => p.Previews.Count > 0))
        {
            Assert.Equal(Math.Min(2, p.Best.Count), p.Previews.Count);
            for (int i = 0; i < p.Previews.Count; i++)
            {
                var preview = p.Previews[i];
                Assert.Equal(i + 1, preview.Rank);
                Assert.Equal(p.Best[i].Seed, preview.Seed);
                Assert.Equal(p.Best[i].Score, preview.Score);
                Assert.Equal(p.Best[i].Round, preview.Round);
                var (pixels, width, height) = ImageGrid.DecodeGray(preview.Png.ToByteArray());
                Assert.Equal((28, 28, 784), (width, height, pixels.Length));
            }
        }

        // Read again, the history holds one update's pictures: the latest progress update's, the same bytes as streamed.
        var replay = new List<JobUpdate>();
        await foreach (var u in client.WatchAsync(live[0].JobId, cancellationToken: timeout.Token)) replay.Add(u);
        var pictured = replay.Where(u => u.Progress is { Previews.Count: > 0 }).ToList();
        var lastProgress = replay.Last(u => u.UpdateCase == JobUpdate.UpdateOneofCase.Progress);
        Assert.Equal([lastProgress.Index], pictured.Select(u => u.Index));
        Assert.Equal(live.Single(u => u.Index == lastProgress.Index).Progress.Previews, lastProgress.Progress.Previews);
    }

    [Fact]
    public async Task WithoutAskingNoUpdateCarriesPictures()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        using var timeout = new CancellationTokenSource(Patience);
        var updates = new List<JobUpdate>();
        await foreach (var u in client.GenerateAsync(Request(previews: null, seed: 62), timeout.Token)) updates.Add(u);
        Assert.Contains(updates, u => u.UpdateCase == JobUpdate.UpdateOneofCase.Progress);
        Assert.All(updates, u => Assert.Empty(u.Progress?.Previews ?? []));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public async Task PreviewsOutOfRangeAreRefusedNamingTheField(int previews)
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(Request(previews, seed: 63)));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("previews: must be between 0 and 4", e.Status.Detail, StringComparison.Ordinal);
    }
}
