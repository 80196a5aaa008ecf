using GenerationPlatform.Testing;
using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class VerifierGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ScoresGoBackToTheCallerThatSentTheImagesUnderConcurrency()
    {
        var grain = fixture.Client.GetGrain<IVerifierGrain>("mean-target-order");
        var random = new Random(5);
        // 200 callers, 1..12 images each, every image with its own mean: a score identifies its image.
        var submissions = Enumerable.Range(0, 200).Select(caller =>
            Enumerable.Range(0, random.Next(1, 13)).Select(_ =>
            {
                float level = (float)random.NextDouble() * 2 - 1;
                return new ImageToScore(Enumerable.Repeat(level, 784).ToArray(), 2);
            }).ToArray()).ToArray();

        var results = await Task.WhenAll(submissions.Select(async images =>
        {
            await Task.Yield();
            return await grain.ScoreAsync(images, $"tenant-{images.Length % 3}");
        }));

        for (int caller = 0; caller < submissions.Length; caller++)
            Assert.Equal(submissions[caller].Select(i => MeanTargetVerifier.ScoreOf(i.Image, AnalyticVerifiers.Target)), results[caller]);
        var stats = await grain.GetStatsAsync();
        Assert.Equal(submissions.Length, stats.Submissions);
        Assert.Equal(submissions.Sum(s => s.Length), stats.Images);
        Assert.True(stats.Flushes < stats.Submissions / 2, $"{stats.Flushes} flushes for {stats.Submissions} submissions: no micro-batching");
    }

    [Fact]
    public async Task ALoneSubmissionIsFlushedAfterTheMaxDelay()
    {
        var grain = fixture.Client.GetGrain<IVerifierGrain>("mean-target-lone");
        var scores = await grain.ScoreAsync([new ImageToScore(new float[784], 0)], "alpha").WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(-AnalyticVerifiers.Target, scores[0], 9);
    }

    [Fact]
    public async Task OneTenantsHugeCallDoesNotHoldUpAnotherTenantsSmallOne()
    {
        // 10 000 images at 10 ms per batch of at most 64: the flood needs about 160 batches. The light tenant's
        // 8 images must be scored in its fair turn, while the flood is still queued, with scores of its own images.
        var grain = fixture.Client.GetGrain<IVerifierGrain>("slow-target-fair");
        var flood = Enumerable.Range(0, 10_000).Select(i => new ImageToScore(Enumerable.Repeat(i % 7 / 7f, 16).ToArray(), 2)).ToArray();
        var light = Enumerable.Range(0, 8).Select(i => new ImageToScore(Enumerable.Repeat(i / 8f, 16).ToArray(), 2)).ToArray();
        var flooding = grain.ScoreAsync(flood, "flood");
        while ((await grain.GetStatsAsync()).Flushes < 1) await Task.Delay(5); // the flood is queued and being scored
        var scores = await grain.ScoreAsync(light, "light").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(flooding.IsCompleted, "the light call waited for the whole flood");
        Assert.Equal(light.Select(i => MeanTargetVerifier.ScoreOf(i.Image, AnalyticVerifiers.Target)), scores);
        var floodScores = await flooding.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(flood.Select(i => MeanTargetVerifier.ScoreOf(i.Image, AnalyticVerifiers.Target)), floodScores);
    }

    [Fact]
    public async Task ATenantOverItsQueueCapIsRefusedAndOthersAreNot()
    {
        var grain = fixture.Client.GetGrain<IVerifierGrain>("gated-target-cap");
        var many = Enumerable.Range(0, 8_000).Select(_ => new ImageToScore(new float[16], 2)).ToArray();
        AnalyticVerifiers.Gate.Reset(); // batches wait: the hog's images stay queued however slow the machine
        try
        {
            var first = grain.ScoreAsync(many, "hog");
            // Messages to one grain may overtake each other: send the second once the first is queued.
            await Eventually.UntilAsync(async () => (await grain.GetStatsAsync()).Submissions >= 1, TimeSpan.FromSeconds(30), "the first submission is queued");
            var e = await Assert.ThrowsAnyAsync<Exception>(() => grain.ScoreAsync(many, "hog")); // 16 000 would pass the fixture's cap of 12 000
            Assert.Contains("queued for this tenant", e.Message);
            var other = grain.ScoreAsync([new ImageToScore(new float[16], 2)], "other"); // another tenant is still accepted
            Assert.False(first.IsCompleted);
            AnalyticVerifiers.Gate.Set();
            Assert.Single(await other.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(8_000, (await first.WaitAsync(TimeSpan.FromSeconds(60))).Length);
        }
        finally { AnalyticVerifiers.Gate.Set(); }
    }

    [Fact]
    public async Task AnUnknownVerifierFailsTheCall()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.Client.GetGrain<IVerifierGrain>("no-such").GetTraitsAsync());
    }
}
