using System.Diagnostics;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Verifiers.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace GenerationPlatform.Grains;

/// <summary>
/// A max-size-or-max-delay micro-batcher in front of one verifier (after the GPSTracker
/// PushNotifierGrain): submissions queue up; a flush starts when the queue holds a full batch or
/// when the first queued submission has waited the max delay (a one-shot grain timer); one flush is
/// in flight at a time and anything queued meanwhile goes out in the next. Each submission keeps its
/// own slice of the batch's scores, so scores only ever go back to the caller that sent the images.
/// </summary>
[Reentrant]
public sealed class VerifierGrain(IVerifierProvider verifiers, IOptions<VerifierBatchingOptions> options, ILogger<VerifierGrain> logger) : Grain, IVerifierGrain
{
    private sealed record Submission(ImageToScore[] Images, CancellationToken Token)
    {
        public TaskCompletionSource<double[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>The caller's trace context: the batch that scores these images links to it.</summary>
        public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;
    }

    private readonly Queue<Submission> queue = new();
    private IImageVerifier? verifier;
    private bool batchRelative;
    private int queuedImages;
    private Task flush = Task.CompletedTask;
    private IGrainTimer? delayTimer;
    private bool timerArmed;
    private long submissions, images, flushes;

    private int MaxBatch => Math.Max(1, options.Value.MaxBatch);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        verifier = verifiers.Get(this.GetPrimaryKeyString());
        // Rank ensembles score relative to the batch: merging callers would change every caller's scores.
        batchRelative = verifier is EnsembleVerifier;
        delayTimer = this.RegisterGrainTimer(OnDelayElapsed, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = true });
        return Task.CompletedTask;
    }

    public Task<double[]> ScoreAsync(ImageToScore[] batch, CancellationToken cancellationToken)
    {
        if (batch.Length == 0) return Task.FromResult(Array.Empty<double>());
        var submission = new Submission(batch, cancellationToken);
        queue.Enqueue(submission);
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
        Task.FromResult(new VerifierTraits(Verifier.Name, Verifier.NeedsProbe, batchRelative));

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
        while (queue.Count > 0)
        {
            if (timerArmed)
            {
                timerArmed = false;
                delayTimer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            var taken = TakeBatch();
            if (taken.Count == 0) continue;
            var inputs = taken.SelectMany(s => s.Images).Select(i => i.ToInput()).ToArray();
            var v = Verifier;
            var links = taken.Where(t => t.Caller != default).Select(t => new ActivityLink(t.Caller)).ToArray();
            Activity.Current = null; // a batch serves many callers: its own root, linked to each (this flush's flow only)
            using var span = SearchTelemetry.Source.StartActivity(ActivityKind.Internal, parentContext: default, links: links, name: "verifier.batch");
            span?.SetTag("genplat.verifier", v.Name);
            span?.SetTag("genplat.batch.size", inputs.Length);
            var clock = Stopwatch.StartNew();
            var verifierTag = new KeyValuePair<string, object?>("verifier", v.Name);
            try
            {
                var scores = await Task.Run(() => v.Score(inputs, CancellationToken.None), CancellationToken.None);
                SearchTelemetry.VerifierDuration.Record(clock.Elapsed.TotalSeconds, verifierTag);
                SearchTelemetry.VerifierBatchSize.Record(inputs.Length, verifierTag);
                if (scores.Length != inputs.Length) throw new InvalidOperationException($"verifier {v.Name} returned {scores.Length} scores for {inputs.Length} images");
                int offset = 0;
                foreach (var s in taken)
                {
                    s.Completion.TrySetResult(scores.AsSpan(offset, s.Images.Length).ToArray());
                    offset += s.Images.Length;
                }
                flushes++;
                images += inputs.Length;
                GrainLog.VerifierFlushed(logger, v.Name, inputs.Length, taken.Count);
            }
            catch (Exception e)
            {
                span?.SetStatus(ActivityStatusCode.Error, e.Message);
                GrainLog.VerifierFlushFailed(logger, e, v.Name, inputs.Length);
                foreach (var s in taken) s.Completion.TrySetException(e);
            }
        }
    }

    /// <summary>Whole submissions up to a batch (a larger one goes alone); cancelled ones are dropped.</summary>
    private List<Submission> TakeBatch()
    {
        var taken = new List<Submission>();
        int count = 0;
        while (queue.TryPeek(out var next))
        {
            if (taken.Count > 0 && (batchRelative || count + next.Images.Length > MaxBatch)) break;
            queue.Dequeue();
            queuedImages -= next.Images.Length;
            if (next.Token.IsCancellationRequested)
            {
                next.Completion.TrySetCanceled(next.Token);
                continue;
            }
            taken.Add(next);
            count += next.Images.Length;
        }
        return taken;
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
