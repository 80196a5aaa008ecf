using GenerationPlatform.Diffusion.Sampling;

namespace GenerationPlatform.Search.Tests;

public sealed class ContinuousBatchingDenoiserTests
{
    private static TrajectorySpec Spec(uint i, int steps = 6, SamplerKind kind = SamplerKind.Heun) =>
        new(new NoiseSeed(77, 0, i), (int)(i % 10), 1f, kind, steps, X0Times: [0.5f]);

    [Fact]
    public async Task ConcurrentRequestsShareModelCallsAndGetTheirOwnResults()
    {
        var field = new GaussianField();
        using var denoiser = new ContinuousBatchingDenoiser(field, maxBatch: 64);
        var requests = Enumerable.Range(0, 12).Select(r => Enumerable.Range(0, 1 + r % 4).Select(i => Spec((uint)(r * 10 + i), steps: 3 + r % 5)).ToArray()).ToArray();
        var results = await Task.WhenAll(requests.Select(r => denoiser.DenoiseAsync(r, CancellationToken.None)));
        var reference = new LocalDenoiser(new GaussianField());
        for (int r = 0; r < requests.Length; r++)
        {
            var expected = await reference.DenoiseAsync(requests[r], CancellationToken.None);
            Assert.Equal(expected.Length, results[r].Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].State, results[r][i].State);
                Assert.Equal(expected[i].Nfe, results[r][i].Nfe);
                Assert.Equal(expected[i].X0Predictions[0].Image, results[r][i].X0Predictions[0].Image);
            }
        }
        long totalNfe = requests.Sum(r => r.Sum(s => (long)s.Nfe));
        Assert.Equal(totalNfe, field.ModelEvaluations);
        Assert.Equal(totalNfe, denoiser.Stats.TrajectorySteps);
        Assert.True(denoiser.Stats.MeanBatch > 2, $"mean batch {denoiser.Stats.MeanBatch}");
    }

    /// <summary>Records, for every model call, whether it carried a row of the given class.</summary>
    private sealed class RecordingField(int watchedLabel) : IVelocityField
    {
        private readonly GaussianField inner = new();
        public List<bool> CarriedWatched { get; } = [];
        /// <summary>Set when the first call has started; that call waits for <see cref="Go"/>.</summary>
        public ManualResetEventSlim FirstCallStarted { get; } = new();
        public ManualResetEventSlim Go { get; } = new();
        public long ModelEvaluations => inner.ModelEvaluations;
        public long Calls => inner.Calls;

        public TorchSharp.torch.Tensor Evaluate(TorchSharp.torch.Tensor x, IReadOnlyList<VelocityQuery> rows)
        {
            lock (CarriedWatched) CarriedWatched.Add(rows.Any(r => r.Label == watchedLabel));
            FirstCallStarted.Set();
            Go.Wait();
            return inner.Evaluate(x, rows);
        }
    }

    [Fact]
    public async Task ALightOwnerIsNotStarvedByAHeavyOne()
    {
        var field = new RecordingField(watchedLabel: 9);
        using var denoiser = new ContinuousBatchingDenoiser(field, maxBatch: 8);
        var heavy = denoiser.DenoiseAsync(Enumerable.Range(0, 400).Select(i => Spec((uint)i, steps: 10) with { Label = 0 }).ToArray(), "heavy", CancellationToken.None);
        // The light request arrives while the heavy one's first call is running.
        Assert.True(field.FirstCallStarted.Wait(TimeSpan.FromSeconds(30)));
        var light = denoiser.DenoiseAsync([Spec(1000, steps: 10) with { Label = 9 }, Spec(1001, steps: 10) with { Label = 9 }], "light", CancellationToken.None);
        field.Go.Set();
        await light;
        await heavy;
        List<bool> carried;
        lock (field.CarriedWatched) carried = [.. field.CarriedWatched];
        int first = carried.IndexOf(true), last = carried.LastIndexOf(true);
        // Heun with 10 steps is 19 NFE: from the call it joined, the light request rode along in every
        // call until done, although the heavy owner alone could have filled every batch.
        Assert.Equal(19, last - first + 1);
        Assert.All(carried[first..(last + 1)], Assert.True);
        Assert.Equal(1, first); // the call after the one in flight when it arrived
        Assert.True(carried.Count - 1 > last, "the heavy request finished after the light one");
    }

    [Fact]
    public async Task CancellingOneRequestLeavesTheOthers()
    {
        using var denoiser = new ContinuousBatchingDenoiser(new GaussianField(), maxBatch: 4);
        using var cts = new CancellationTokenSource();
        var doomed = denoiser.DenoiseAsync(Enumerable.Range(0, 50).Select(i => Spec((uint)i, steps: 50)).ToArray(), cts.Token);
        var fine = denoiser.DenoiseAsync([Spec(900)], CancellationToken.None);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed);
        Assert.Single(await fine);
    }

    [Fact]
    public async Task WholeRequestBatchingRunsRequestsTogether()
    {
        var field = new GaussianField();
        using var denoiser = new ContinuousBatchingDenoiser(field, maxBatch: 6, wholeRequests: true);
        var a = denoiser.DenoiseAsync(Enumerable.Range(0, 4).Select(i => Spec((uint)i)).ToArray(), CancellationToken.None);
        var b = denoiser.DenoiseAsync(Enumerable.Range(4, 4).Select(i => Spec((uint)i)).ToArray(), CancellationToken.None);
        var results = await Task.WhenAll(a, b);
        Assert.All(results, r => Assert.Equal(4, r.Length));
        // 4 + 4 cannot share a batch of 6: two rounds of 11 calls each.
        Assert.Equal(22, denoiser.Stats.ModelCalls);
        await Assert.ThrowsAsync<ArgumentException>(() => denoiser.DenoiseAsync(Enumerable.Range(0, 7).Select(i => Spec((uint)i)).ToArray(), CancellationToken.None));
    }
}
