using System.Diagnostics;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Serving;

/// <summary>
/// Continuous batching of trajectory steps for one model: a loop on one dedicated thread asks its policy for the next
/// call's rows (<see cref="StepLevelBatchPolicy"/>: every call takes the pending step of the active trajectories of all
/// requests, each at its own time, condition and guidance, shared fairly between owners; or, with <c>wholeRequests</c>,
/// <see cref="RequestLevelBatchPolicy"/>, the request-level baseline), runs the model on them and settles the outcome:
/// finished requests get their results, a failed call fails only the work that caused it.
/// </summary>
public sealed class ContinuousBatchingDenoiser : IDenoiser, IDisposable
{
    private readonly IVelocityField field;
    private readonly IImageRenderer? renderer;
    private int maxBatch;
    // Work for the compute thread between model calls (a calibration), so it never races a batch.
    private readonly Queue<Action> between = new();
    // Call times against rows, fitted: the rows per second of a full call, what routing compares (CallTimeFit).
    private readonly CallTimeFit callTimes = new();
    private readonly IBatchPolicy policy;
    private readonly TimeSpan maxWait;
    private readonly string model;
    private readonly Lock gate = new();
    private readonly List<QueuedRequest> jobs = [];
    private readonly SemaphoreSlim signal = new(0);
    private readonly Thread worker;
    private readonly CancellationTokenSource stopping = new();
    private long calls, steps, computeTicks;

    /// <param name="maxWait">How long the first call after idle may wait for more work before running a batch that is not full.</param>
    /// <param name="model">The model's name, for telemetry.</param>
    /// <param name="ownerWeight">An owner's share of a batch relative to others (positive; default 1 for all).</param>
    /// <param name="renderer">The model's renderer (latent models): final states and x0-predictions come back rendered.</param>
    public ContinuousBatchingDenoiser(IVelocityField field, int maxBatch = 256, TimeSpan? maxWait = null, bool wholeRequests = false,
        string model = "", Func<string, double>? ownerWeight = null, IImageRenderer? renderer = null)
    {
        this.field = field;
        this.renderer = renderer;
        this.model = model;
        policy = wholeRequests ? new RequestLevelBatchPolicy() : new StepLevelBatchPolicy(new FairShareScheduler(ownerWeight));
        this.maxBatch = maxBatch > 0 ? maxBatch : throw new ArgumentOutOfRangeException(nameof(maxBatch));
        this.maxWait = maxWait ?? TimeSpan.Zero;
        worker = new Thread(Loop) { IsBackground = true, Name = "denoiser-compute" };
        // The compute thread serves everyone: it must not inherit the creator's trace or other ambient state.
        using (ExecutionContext.SuppressFlow()) worker.Start();
    }

    public ImageShape Shape => this.field.Shape;
    public ImageShape ImageShape => renderer?.ImageShape ?? this.field.Shape;

    public BatchingStats Stats => new(Interlocked.Read(ref calls), Interlocked.Read(ref steps), MaxBatch, TimeSpan.FromTicks(Interlocked.Read(ref computeTicks)));

    /// <summary>The most rows in one model call.</summary>
    public int MaxBatch => Volatile.Read(ref maxBatch);

    /// <summary>
    /// Rows queued or in flight, the rows per second of a full call (its batch cap) by the fit of recent call times, and the
    /// number of requests: what routing compares.
    /// </summary>
    public (long QueuedSteps, double RowsPerSecond, int Requests) Load
    {
        get
        {
            lock (gate)
                return (jobs.Sum(j => j.RemainingSteps), callTimes.RowsPerSecond(MaxBatch), jobs.Count);
        }
    }

    /// <summary>
    /// Measures rows/s against batch size on the compute thread, between model calls (so the measurement owns the device), and
    /// caps batches at the robust knee (<see cref="BatchCapFit"/>), checked against <paramref name="lastKnown"/>.
    /// </summary>
    public Task<BatchCapChoice> CalibrateAsync(IReadOnlyList<int> sizes, TimeSpan perSize, int repeats = 3, int? lastKnown = null,
        CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<BatchCapChoice>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
            between.Enqueue(() =>
            {
                try
                {
                    var choice = BatchCap.Measure(field, sizes, perSize, repeats, lastKnown, cancellationToken);
                    Volatile.Write(ref maxBatch, choice.Cap);
                    done.TrySetResult(choice);
                }
                catch (Exception e) { done.TrySetException(e); }
            });
        signal.Release();
        return done.Task;
    }

    /// <summary>Caps batches at <paramref name="cap"/> (measured elsewhere: at the silo's warm-up, or remembered) from the next model call on.</summary>
    public void UseCap(int cap) => Volatile.Write(ref maxBatch, cap > 0 ? cap : throw new ArgumentOutOfRangeException(nameof(cap)));

    public Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken) =>
        DenoiseAsync(batch, "", cancellationToken);

    /// <param name="owner">Who the work is for (a tenant): the batch is shared fairly between owners first, then requests.</param>
    /// <param name="priority">Order inside the owner's share, lower first: the search job's admission time in UTC ticks
    /// (so an owner's older jobs finish first); null: the call's arrival.</param>
    public Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, string owner, CancellationToken cancellationToken, long? priority = null)
    {
        if (batch.Count == 0) return Task.FromResult(Array.Empty<DenoiseOutcome>());
        if (!policy.Admits(batch.Count, maxBatch)) throw new ArgumentException($"a request of {batch.Count} trajectories cannot fit a batch of {maxBatch}");
        var job = new QueuedRequest(batch.Select(s => new Trajectory(s, field.Shape.Size)).ToArray(), cancellationToken, owner, priority ?? DateTime.UtcNow.Ticks);
        lock (gate) jobs.Add(job);
        signal.Release();
        return job.Completion.Task;
    }

    private void Loop()
    {
        var token = stopping.Token;
        bool fromIdle = true;
        while (!token.IsCancellationRequested)
        {
            Action? chore = null;
            lock (gate) between.TryDequeue(out chore);
            chore?.Invoke();
            List<Trajectory> batch;
            lock (gate) batch = Compose();
            if (batch.Count == 0)
            {
                fromIdle = true;
                try { signal.Wait(token); } catch (OperationCanceledException) { break; }
                continue;
            }
            if (fromIdle && batch.Count < maxBatch && maxWait > TimeSpan.Zero)
            {
                // Give concurrent requests a moment to join the first batch after idle. Once trajectories are in
                // flight there is no wait: newcomers join at the next step anyway, and waiting would idle the model.
                if (signal.Wait(maxWait, CancellationToken.None)) signal.Release();
                lock (gate) batch = Compose();
            }
            fromIdle = false;
            Carriage carried;
            lock (gate) carried = Carried(batch);
            var nfeBefore = batch.Select(t => t.Nfe).ToArray();
            var clock = Stopwatch.StartNew();
            Exception? failure = null;
            using (var span = StartBatchSpan(batch.Count, carried.Callers))
            {
                try { new TrajectorySampler(field, maxBatch).Step(batch); }
                catch (Exception e)
                {
                    failure = e;
                    span?.SetStatus(ActivityStatusCode.Error, e.Message);
                }
            }
            Interlocked.Add(ref computeTicks, clock.Elapsed.Ticks);
            if (failure is null) callTimes.Add(batch.Count, clock.Elapsed);
            Record(batch, carried.Owners, nfeBefore);
            Interlocked.Increment(ref calls);
            Interlocked.Add(ref steps, batch.Count);
            lock (gate) Settle(failure, batch);
        }
        lock (gate)
            foreach (var job in jobs) job.Completion.TrySetCanceled();
    }

    /// <summary>Who a batch serves: the owner of each row, and the trace context of each job it carries.</summary>
    private sealed record Carriage(string[] Owners, List<ActivityContext> Callers);

    /// <summary>The owners and callers of a batch (one pass over the jobs), recording each job's queue wait at its first call.</summary>
    private Carriage Carried(List<Trajectory> batch)
    {
        var row = new Dictionary<Trajectory, int>(batch.Count);
        for (int i = 0; i < batch.Count; i++) row[batch[i]] = i;
        var owners = new string[batch.Count];
        var callers = new List<ActivityContext>();
        var now = Stopwatch.GetTimestamp();
        foreach (var job in jobs)
        {
            bool carried = false;
            foreach (var t in job.Trajectories)
                if (row.TryGetValue(t, out int i)) { owners[i] = job.Owner; carried = true; }
            if (!carried) continue;
            if (job.Caller != default) callers.Add(job.Caller);
            if (job.Waited) continue;
            job.Waited = true;
            SearchTelemetry.QueueWait.Record(Stopwatch.GetElapsedTime(job.EnqueuedAt, now).TotalSeconds,
                new KeyValuePair<string, object?>("model", model));
        }
        return new Carriage(owners, callers);
    }

    private Activity? StartBatchSpan(int size, List<ActivityContext> callers)
    {
        if (!SearchTelemetry.Source.HasListeners()) return null;
        var links = callers.Distinct().Select(c => new ActivityLink(c)).ToArray();
        // A batch serves many jobs: it is a root of its own, linked to every job it carries.
        var span = SearchTelemetry.Source.StartActivity(ActivityKind.Internal, parentContext: default, tags: null, links: links, name: "denoiser.batch");
        span?.SetTag("genplat.model", model);
        span?.SetTag("genplat.batch.size", size);
        span?.SetTag("genplat.batch.jobs", callers.Count);
        return span;
    }

    private void Record(List<Trajectory> batch, string[] owners, int[] nfeBefore)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model);
        SearchTelemetry.BatchSize.Record(batch.Count, modelTag);
        SearchTelemetry.BatchFill.Record(batch.Count / (double)maxBatch, modelTag);
        if (!SearchTelemetry.Nfe.Enabled) return;
        var byOwner = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < batch.Count; i++)
            byOwner[owners[i]] = byOwner.GetValueOrDefault(owners[i]) + batch[i].Nfe - nfeBefore[i];
        foreach (var (owner, nfe) in byOwner)
            SearchTelemetry.Nfe.Add(nfe, new KeyValuePair<string, object?>("tenant", owner), modelTag);
    }

    /// <summary>
    /// The next call's rows: cancelled requests leave; after a failed call, each request that was in it runs alone once
    /// (the one that fails alone is the culprit); else the policy's plan.
    /// </summary>
    private List<Trajectory> Compose()
    {
        foreach (var job in jobs.Where(j => j.Token.IsCancellationRequested).ToList())
        {
            job.Completion.TrySetCanceled(job.Token);
            jobs.Remove(job);
        }
        if (jobs.FirstOrDefault(j => j.Suspect) is { } suspect)
        {
            var alone = new List<Trajectory>();
            var taken = new HashSet<Trajectory>();
            while (alone.Count < maxBatch && suspect.NextPending(taken) is { } step) { alone.Add(step); taken.Add(step); }
            return alone;
        }
        return [.. policy.Plan(jobs, maxBatch).Rows];
    }

    /// <summary>
    /// Hands finished jobs their outcomes. A failed model call fails only the work that caused it: when it
    /// carried one job, that job fails; when it carried several, each becomes a suspect and runs alone
    /// (its rows were not advanced, so nothing is lost or charged twice) until its own call shows
    /// whether it is the cause.
    /// </summary>
    private void Settle(Exception? failure, List<Trajectory> batch)
    {
        var carried = batch.ToHashSet(); // one pass over the requests, not one per row
        var involved = jobs.Where(j => j.Trajectories.Any(carried.Contains)).ToHashSet();
        foreach (var job in jobs.ToList())
        {
            if (failure is not null && involved.Contains(job))
            {
                if (involved.Count > 1) { job.Suspect = true; continue; }
                job.Completion.TrySetException(failure);
                jobs.Remove(job);
                continue;
            }
            if (failure is null && job.Suspect && involved.Contains(job)) job.Suspect = false; // it ran alone and succeeded
            if (job.IsDone)
            {
                job.Completion.TrySetResult(DenoiseOutcome.OfAll(job.Trajectories, renderer));
                jobs.Remove(job);
            }
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        signal.Release();
        worker.Join();
        stopping.Dispose();
        signal.Dispose();
    }
}
