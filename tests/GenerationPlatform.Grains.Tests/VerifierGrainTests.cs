using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class VerifierGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Scores_go_back_to_the_caller_that_sent_the_images_under_concurrency()
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
            return await grain.ScoreAsync(images);
        }));

        for (int caller = 0; caller < submissions.Length; caller++)
            Assert.Equal(submissions[caller].Select(i => MeanTargetVerifier.ScoreOf(i.Image, AnalyticVerifiers.Target)), results[caller]);
        var stats = await grain.GetStatsAsync();
        Assert.Equal(submissions.Length, stats.Submissions);
        Assert.Equal(submissions.Sum(s => s.Length), stats.Images);
        Assert.True(stats.Flushes < stats.Submissions / 2, $"{stats.Flushes} flushes for {stats.Submissions} submissions: no micro-batching");
    }

    [Fact]
    public async Task A_lone_submission_is_flushed_after_the_max_delay()
    {
        var grain = fixture.Client.GetGrain<IVerifierGrain>("mean-target-lone");
        var scores = await grain.ScoreAsync([new ImageToScore(new float[784], 0)]).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(-AnalyticVerifiers.Target, scores[0], 9);
    }

    [Fact]
    public async Task An_unknown_verifier_fails_the_call()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.Client.GetGrain<IVerifierGrain>("no-such").GetTraitsAsync());
    }
}
