using System.Diagnostics;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

/// <summary>
/// A max-size-or-max-delay micro-batcher in front of one verifier (after the GPSTracker
/// PushNotifierGrain), fair between owners (tenants). A submission is cut into chunks of at most
/// half a batch and queued under its owner; a flush starts when a full batch is queued or when the
/// first queued chunk has waited the max delay; one flush is in flight at a time. Each batch takes
/// chunks owner by owner, the owner with the smallest share so far over its weight first (stride
/// scheduling, as the denoiser), so one owner's 10 000 images are scored between other owners'
/// small calls instead of ahead of them. Each chunk writes its scores into its own submission's
/// slice, so scores only ever go back to the caller that sent the images. A rank ensemble scores
/// relative to its batch: its submissions are scored whole and alone, still in fair order.
/// Key <c>{verifier}|{silo}</c>: one per verifier and silo, on that silo, near the searches that call it.
/// </summary>
[Reentrant]
[SiloBoundPlacement]
public sealed class VerifierGrain(IVerifierProvider verifiers, IOptions<VerifierBatchingOptions> options, IOptions<TenantQuotaOptions> quotas, ILogger<VerifierGrain> logger)
    : Grain, IVerifierGrain
{
    private sealed class Submission(ImageToScore[] images, CancellationToken token)
    {
        public ImageToScore[] Images { get; } = images;
        public CancellationToken Token { get; } = token;
        public double[] Scores { get; } = new double[images.Length];
        public int Pending = images.Length;
        public TaskCompletionSource<double[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>The caller's trace context: the batches that score these images link to it.</summary>
        public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;
    }

    /// <summary>Images [Offset, Offset + Count) of one submission.</summary>
    private sealed record Chunk(Submission Of, int Offset, int Count);

    private sealed class OwnerQueue(double weight)
    {
        public Queue<Chunk> Chunks { get; } = new();
        public double Weight { get; } = weight;
        public int QueuedImages;
        /// <summary>Images taken so far, over the weight: the stride scheduler's pass value.</summary>
        public double Pass;
    }

    private readonly Dictionary<string, OwnerQueue> owners = new(StringComparer.Ordinal);
    private IImageVerifier? verifier;
    private bool batchRelative;
    private int queuedImages;
    private Task flush = Task.CompletedTask;
    private IGrainTimer? delayTimer;
    private bool timerArmed;
    private long submissions, images, flushes;

    private int MaxBatch => Math.Max(1, options.Value.MaxBatch);
    private int ChunkSize => batchRelative ? int.MaxValue : Math.Max(1, MaxBatch / 2);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        verifier = verifiers.Get(SiloBoundKey.Parse(this.GetPrimaryKeyString()).Name);
        // Rank ensembles score relative to the batch: merging callers would change every caller's scores.
        batchRelative = verifier.IsBatchRelative;
        delayTimer = this.RegisterGrainTimer(OnDelayElapsed, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = true });
        return Task.CompletedTask;
    }

    public Task<double[]> ScoreAsync(ImageToScore[] batch, string owner, CancellationToken cancellationToken)
    {
        if (batch.Length == 0) return Task.FromResult(Array.Empty<double>());
        owner ??= "";
        if (!owners.TryGetValue(owner, out var queue))
        {
            // A newcomer starts level with the least-served owner present, so it neither jumps ahead for long nor waits behind.
            queue = new OwnerQueue(Math.Max(1e-6, quotas.Value.For(owner).Weight)) { Pass = owners.Count == 0 ? 0 : owners.Values.Min(o => o.Pass) };
            owners[owner] = queue;
        }
        if (queue.QueuedImages + batch.Length > options.Value.MaxQueuedImagesPerOwner)
            throw new InvalidOperationException($"verifier '{Verifier.Name}' has {queue.QueuedImages} images queued for this tenant; "
                + $"{batch.Length} more would exceed {options.Value.MaxQueuedImagesPerOwner}");
        var submission = new Submission(batch, cancellationToken);
        for (int offset = 0; offset < batch.Length; offset += ChunkSize)
            queue.Chunks.Enqueue(new Chunk(submission, offset, Math.Min(ChunkSize, batch.Length - offset)));
        queue.QueuedImages += batch.Length;
        queuedImages += batch.Length;
        submissions++;
        if (queuedImages >= MaxBatch || batchRelative) StartFlush();
        else if (!timerArmed)
        {
            timerArmed = true;
            delayTimer!.Change(options.Value.MaxDelay, Timeout.InfiniteTimeSpan);
        }
        return submission.Completion.Task;
    }

    public Task<VerifierTraits> GetTraitsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new VerifierTraits(Verifier.Name, Verifier.NeedsProbe, batchRelative, Verifier.FlopsPerImage, Verifier.RanksNoisyInputs, Verifier.FlopsPerNoisyImage));

    public Task<VerifierBatchStats> GetStatsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new VerifierBatchStats(submissions, images, flushes));

    private Task OnDelayElapsed(CancellationToken cancellationToken)
    {
        timerArmed = false;
        StartFlush();
        return Task.CompletedTask;
    }

    private void StartFlush()
    {
        if (!flush.IsCompleted) return; // the flush in flight takes whatever is queued when it is done
        flush = FlushAsync();
    }

    /// <summary>Runs on this activation; only the verifier's compute leaves it (Task.Run).</summary>
    private async Task FlushAsync()
    {
        while (queuedImages > 0)
        {
            if (timerArmed)
            {
                timerArmed = false;
                delayTimer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            var taken = TakeBatch();
            if (taken.Count == 0) continue;
            var inputs = taken.SelectMany(c => c.Of.Images.Skip(c.Offset).Take(c.Count)).Select(i => i.ToInput()).ToArray();
            var v = Verifier;
            var callers = taken.Select(c => c.Of).Distinct().ToArray();
            var links = callers.Where(s => s.Caller != default).Select(s => new ActivityLink(s.Caller)).ToArray();
            Activity.Current = null; // a batch serves many callers: its own root, linked to each (this flush's flow only)
            using var span = SearchTelemetry.Source.StartActivity(ActivityKind.Internal, parentContext: default, links: links, name: "verifier.batch");
            span?.SetTag("genplat.verifier", v.Name);
            span?.SetTag("genplat.batch.size", inputs.Length);
            var clock = Stopwatch.StartNew();
            var verifierTag = new KeyValuePair<string, object?>("verifier", v.Name);
            // The model stops early only when every caller in the batch has gone.
            using var abandoned = new CallerAbandonment(callers);
            try
            {
                var token = abandoned.Token;
                var scores = await Task.Run(() => v.Score(inputs, token), CancellationToken.None);
                SearchTelemetry.VerifierDuration.Record(clock.Elapsed.TotalSeconds, verifierTag);
                SearchTelemetry.VerifierBatchSize.Record(inputs.Length, verifierTag);
                if (scores.Length != inputs.Length) throw new InvalidOperationException($"verifier {v.Name} returned {scores.Length} scores for {inputs.Length} images");
                int at = 0;
                foreach (var chunk in taken)
                {
                    Array.Copy(scores, at, chunk.Of.Scores, chunk.Offset, chunk.Count);
                    at += chunk.Count;
                    if ((chunk.Of.Pending -= chunk.Count) == 0) chunk.Of.Completion.TrySetResult(chunk.Of.Scores);
                }
                flushes++;
                images += inputs.Length;
                GrainLog.VerifierFlushed(logger, v.Name, inputs.Length, callers.Length);
            }
            catch (Exception e)
            {
                span?.SetStatus(ActivityStatusCode.Error, e.Message);
                GrainLog.VerifierFlushFailed(logger, e, v.Name, inputs.Length);
                foreach (var s in callers)
                    if (s.Token.IsCancellationRequested) s.Completion.TrySetCanceled(s.Token);
                    else s.Completion.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// Chunks up to a batch, owner by owner in stride order (lowest pass first); cancelled and failed
    /// submissions' chunks are dropped. A batch-relative verifier takes one chunk (a whole submission).
    /// </summary>
    private List<Chunk> TakeBatch()
    {
        var taken = new List<Chunk>();
        int count = 0;
        var open = owners.Where(o => o.Value.Chunks.Count > 0).Select(o => o.Value).ToList();
        while (open.Count > 0)
        {
            var owner = open.MinBy(o => o.Pass)!;
            var next = owner.Chunks.Peek();
            if (next.Of.Token.IsCancellationRequested || next.Of.Completion.Task.IsCompleted)
            {
                Dequeue(owner);
                next.Of.Completion.TrySetCanceled(next.Of.Token);
            }
            else
            {
                if (taken.Count > 0 && (batchRelative || count + next.Count > MaxBatch)) break;
                Dequeue(owner);
                taken.Add(next);
                count += next.Count;
                owner.Pass += next.Count / owner.Weight;
            }
            if (owner.Chunks.Count == 0) open.Remove(owner);
        }
        // Owners with nothing queued are forgotten, so their pass does not grow without bound.
        foreach (var idle in owners.Where(o => o.Value.Chunks.Count == 0).Select(o => o.Key).ToList()) owners.Remove(idle);
        return taken;
    }

    private void Dequeue(OwnerQueue owner)
    {
        var chunk = owner.Chunks.Dequeue();
        owner.QueuedImages -= chunk.Count;
        queuedImages -= chunk.Count;
    }

    /// <summary>
    /// A token cancelled once every caller of a batch has gone. Disposing it removes its registrations from the
    /// callers' tokens, which outlive the batch (a job's token lives as long as the job).
    /// </summary>
    private sealed class CallerAbandonment : IDisposable
    {
        private readonly CancellationTokenSource abandoned = new();
        private readonly CancellationTokenRegistration[] registrations;
        private int live;

        public CallerAbandonment(Submission[] callers)
        {
            live = callers.Length;
            registrations = callers.Select(s => s.Token.Register(() => { if (Interlocked.Decrement(ref live) == 0) abandoned.Cancel(); })).ToArray();
        }

        public CancellationToken Token => abandoned.Token;

        public void Dispose()
        {
            foreach (var r in registrations) r.Dispose(); // waits for a callback in flight, so none runs after the source is gone
            abandoned.Dispose();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Nothing queued is lost: flush before going away.
        StartFlush();
        await flush;
        delayTimer?.Dispose();
    }

    private IImageVerifier Verifier => verifier ?? throw new InvalidOperationException("the verifier grain is not active");
}
