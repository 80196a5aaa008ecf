using System.Diagnostics;
using System.Diagnostics.Metrics;
using GenerationPlatform.Diffusion.Sampling;

using GenerationPlatform.Serving;
using GenerationPlatform.Core.Sampling;

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

    /// <summary>Fails every model call that carries a row of the poisoned class, as a device error on bad input would.</summary>
    private sealed class PoisonedField(int poisonedLabel) : IVelocityField
    {
        public GenerationPlatform.Core.Model.ImageShape Shape => new(1, 28, 28);
        public GenerationPlatform.Core.Model.Conditioning Conditioning { get; } = GenerationPlatform.Diffusion.Data.FashionMnist.Conditioning;
        private readonly GaussianField inner = new();
        public long FailedCalls;
        public long Calls => inner.Calls;
        public long ModelEvaluations => inner.ModelEvaluations;

        public TorchSharp.torch.Tensor Evaluate(TorchSharp.torch.Tensor x, IReadOnlyList<VelocityQuery> rows)
        {
            if (rows.Any(r => r.Label == poisonedLabel))
            {
                Interlocked.Increment(ref FailedCalls);
                throw new InvalidOperationException("the device rejected the batch");
            }
            return inner.Evaluate(x, rows);
        }
    }

    [Fact]
    public async Task AFailedModelCallFailsOnlyTheWorkThatCausedIt()
    {
        var field = new PoisonedField(poisonedLabel: 9);
        using var denoiser = new ContinuousBatchingDenoiser(field, maxBatch: 64, maxWait: TimeSpan.FromMilliseconds(20));
        TrajectorySpec Of(uint i, int label) => new(new NoiseSeed(5, 0, i), label, 1f, SamplerKind.Heun, 4);
        // Three tenants share the first calls; only beta's job carries the poisoned class.
        var alpha = denoiser.DenoiseAsync([Of(0, 1), Of(1, 2)], "alpha", CancellationToken.None);
        var beta = denoiser.DenoiseAsync([Of(2, 3), Of(3, 9)], "beta", CancellationToken.None);
        var gamma = denoiser.DenoiseAsync([Of(4, 4)], "gamma", CancellationToken.None);

        var poisoned = await Assert.ThrowsAsync<InvalidOperationException>(() => beta);
        Assert.Equal("the device rejected the batch", poisoned.Message);
        var reference = new LocalDenoiser(new GaussianField());
        Assert.Equal((await reference.DenoiseAsync([Of(0, 1), Of(1, 2)], CancellationToken.None)).Select(o => o.State), (await alpha).Select(o => o.State));
        Assert.Equal((await reference.DenoiseAsync([Of(4, 4)], CancellationToken.None))[0].State, (await gamma)[0].State);
        Assert.All(await alpha, o => Assert.Equal(7, o.Nfe)); // Heun, 4 steps: each trajectory advanced once per step, nothing twice
        Assert.True(field.FailedCalls >= 2, $"{field.FailedCalls} failed calls: the shared one and beta's own");
    }

    /// <summary>Records, for every model call, whether it carried a row of the given class.</summary>
    private sealed class RecordingField(int watchedLabel) : IVelocityField
    {
        public GenerationPlatform.Core.Model.ImageShape Shape => new(1, 28, 28);
        public GenerationPlatform.Core.Model.Conditioning Conditioning { get; } = GenerationPlatform.Diffusion.Data.FashionMnist.Conditioning;
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
    public async Task OnlyTheFirstCallAfterIdleWaitsForMoreWork()
    {
        // Six model calls, none of them full: waiting before each would take at least 6 x 2 s.
        using var denoiser = new ContinuousBatchingDenoiser(new GaussianField(), maxBatch: 8, maxWait: TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        await denoiser.DenoiseAsync([Spec(1, steps: 6, kind: SamplerKind.Euler)], CancellationToken.None);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Equal(6, denoiser.Stats.ModelCalls);
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

    /// <summary>Counts, for every model call, the rows of each class.</summary>
    private sealed class LabelCountingField : IVelocityField
    {
        public GenerationPlatform.Core.Model.ImageShape Shape => new(1, 28, 28);
        public GenerationPlatform.Core.Model.Conditioning Conditioning { get; } = GenerationPlatform.Diffusion.Data.FashionMnist.Conditioning;
        private readonly GaussianField inner = new();
        public List<int[]> RowsByLabel { get; } = [];
        public long ModelEvaluations => inner.ModelEvaluations;
        public long Calls => inner.Calls;
        /// <summary>Model calls wait for it: a test opens it once all its requests are queued.</summary>
        public ManualResetEventSlim Gate { get; } = new(true);

        public TorchSharp.torch.Tensor Evaluate(TorchSharp.torch.Tensor x, IReadOnlyList<VelocityQuery> rows)
        {
            Gate.Wait(TimeSpan.FromSeconds(30));
            var counts = new int[10];
            foreach (var r in rows) counts[r.Label]++;
            lock (RowsByLabel) RowsByLabel.Add(counts);
            return inner.Evaluate(x, rows);
        }
    }

    [Fact]
    public async Task OwnersShareFullBatchesInProportionToTheirWeights()
    {
        var field = new LabelCountingField();
        field.Gate.Reset();
        var weights = new Dictionary<string, double> { ["gold"] = 3, ["standard"] = 1 };
        using var denoiser = new ContinuousBatchingDenoiser(field, maxBatch: 8, ownerWeight: o => weights[o]);
        var gold = denoiser.DenoiseAsync(Enumerable.Range(0, 64).Select(i => Spec((uint)i, steps: 4) with { Label = 1 }).ToArray(), "gold", CancellationToken.None);
        var standard = denoiser.DenoiseAsync(Enumerable.Range(100, 64).Select(i => Spec((uint)i, steps: 4) with { Label = 2 }).ToArray(), "standard", CancellationToken.None);
        field.Gate.Set(); // both are queued: from here on they compete, however loaded the machine
        await Task.WhenAll(gold, standard);
        List<int[]> calls;
        lock (field.RowsByLabel) calls = [.. field.RowsByLabel];
        // While both have more work than a batch holds, every full call splits 6 : 2.
        var contested = calls.Where(c => c[1] + c[2] == 8 && c[1] > 0 && c[2] > 0).ToList();
        Assert.True(contested.Count > 10, $"{contested.Count} contested calls: {string.Join(" ", calls.Take(30).Select(c => $"{c[1]}:{c[2]}"))}");
        Assert.All(contested.Take(10), c => Assert.Equal((6, 2), (c[1], c[2])));
    }

    [Fact]
    public async Task BatchesReportNfeByOwnerAndLinkToTheirCallers()
    {
        var nfeByOwner = new Dictionary<string, long>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) => { if (instrument == SearchTelemetry.Nfe) l.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string owner = "", model = "";
            foreach (var t in tags)
            {
                if (t.Key == "tenant") owner = (string)t.Value!;
                if (t.Key == "model") model = (string)t.Value!;
            }
            if (model != "counted") return; // other tests' denoisers run concurrently
            lock (nfeByOwner) nfeByOwner[owner] = nfeByOwner.GetValueOrDefault(owner) + value;
        });
        meters.Start();
        var batches = new List<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SearchTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.OperationName == "denoiser.batch" && (string?)a.GetTagItem("genplat.model") == "counted") lock (batches) batches.Add(a); },
        };
        ActivitySource.AddActivityListener(activities);
        using var caller = new ActivitySource("test.caller");
        using var callerListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "test.caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(callerListener);

        using var denoiser = new ContinuousBatchingDenoiser(new GaussianField(), maxBatch: 16, model: "counted");
        var a = Enumerable.Range(0, 5).Select(i => Spec((uint)i, steps: 4)).ToArray();
        var b = Enumerable.Range(10, 3).Select(i => Spec((uint)i, steps: 6, kind: SamplerKind.Euler)).ToArray();
        ActivityTraceId traceA;
        Task<DenoiseOutcome[]> runA;
        using (var job = caller.StartActivity("job-a"))
        {
            traceA = job!.TraceId;
            runA = denoiser.DenoiseAsync(a, "alpha", CancellationToken.None);
        }
        await Task.WhenAll(runA, denoiser.DenoiseAsync(b, "beta", CancellationToken.None));
        meters.RecordObservableInstruments();

        Assert.Equal(a.Sum(s => (long)s.Nfe), nfeByOwner["alpha"]);
        Assert.Equal(b.Sum(s => (long)s.Nfe), nfeByOwner["beta"]);
        lock (batches)
        {
            Assert.Equal(denoiser.Stats.ModelCalls, batches.Count);
            Assert.All(batches, span => Assert.Equal(default, span.ParentSpanId)); // a root of its own
            Assert.Contains(batches, span => span.Links.Any(l => l.Context.TraceId == traceA));
        }
    }
}
