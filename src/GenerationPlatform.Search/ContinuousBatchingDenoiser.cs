using System.Diagnostics;
using GenerationPlatform.Diffusion.Sampling;

namespace GenerationPlatform.Search;

/// <summary>Counters of a batching denoiser: model calls, trajectory-steps and their batch fill.</summary>
public sealed record BatchingStats(long ModelCalls, long TrajectorySteps, int MaxBatch, TimeSpan ComputeTime)
{
    public double MeanBatch => ModelCalls == 0 ? 0 : TrajectorySteps / (double)ModelCalls;
    public double MeanFill => MaxBatch == 0 ? 0 : MeanBatch / MaxBatch;
}

/// <summary>
/// Step-level continuous batching: every model call takes the pending step of the active trajectories
/// of all requests (each at its own time, class and guidance), up to a maximum batch, shared fairly
/// between requests; trajectories join and leave between steps. The model runs on one dedicated
/// thread. With <c>wholeRequests</c> a request's trajectories only start when a batch can take them all
/// and newcomers wait for the batch to drain (the request-level batching baseline).
/// </summary>
public sealed class ContinuousBatchingDenoiser : IDenoiser, IDisposable
{
    private sealed class Job(Trajectory[] trajectories, CancellationToken token, string owner)
    {
        public Trajectory[] Trajectories { get; } = trajectories;
        public CancellationToken Token { get; } = token;
        public string Owner { get; } = owner;
        public TaskCompletionSource<DenoiseOutcome[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Cursor;
        public bool Started;
    }

    private readonly IVelocityField field;
    private readonly int maxBatch;
    private readonly bool wholeRequests;
    private readonly TimeSpan maxWait;
    private readonly Lock gate = new();
    private readonly List<Job> jobs = [];
    private readonly SemaphoreSlim signal = new(0);
    private readonly Thread worker;
    private readonly CancellationTokenSource stopping = new();
    private long calls, steps, computeTicks;

    /// <param name="maxWait">How long a call may wait for more work before running a batch that is not full.</param>
    public ContinuousBatchingDenoiser(IVelocityField field, int maxBatch = 256, TimeSpan? maxWait = null, bool wholeRequests = false)
    {
        this.field = field;
        this.maxBatch = maxBatch > 0 ? maxBatch : throw new ArgumentOutOfRangeException(nameof(maxBatch));
        this.wholeRequests = wholeRequests;
        this.maxWait = maxWait ?? TimeSpan.Zero;
        worker = new Thread(Loop) { IsBackground = true, Name = "denoiser-compute" };
        worker.Start();
    }

    public BatchingStats Stats => new(Interlocked.Read(ref calls), Interlocked.Read(ref steps), maxBatch, TimeSpan.FromTicks(Interlocked.Read(ref computeTicks)));

    public Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken) =>
        DenoiseAsync(batch, "", cancellationToken);

    /// <param name="owner">Who the work is for (a tenant): the batch is shared fairly between owners first, then requests.</param>
    public Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, string owner, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return Task.FromResult(Array.Empty<DenoiseOutcome>());
        if (wholeRequests && batch.Count > maxBatch) throw new ArgumentException($"a request of {batch.Count} trajectories cannot fit a batch of {maxBatch}");
        var job = new Job(batch.Select(s => new Trajectory(s)).ToArray(), cancellationToken, owner);
        lock (gate) jobs.Add(job);
        signal.Release();
        return job.Completion.Task;
    }

    private void Loop()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            List<Trajectory> batch;
            lock (gate) batch = Compose();
            if (batch.Count == 0)
            {
                try { signal.Wait(token); } catch (OperationCanceledException) { break; }
                continue;
            }
            if (batch.Count < maxBatch && maxWait > TimeSpan.Zero)
            {
                // Give concurrent requests a moment to join a batch that is not full.
                if (signal.Wait(maxWait, CancellationToken.None)) signal.Release();
                lock (gate) batch = Compose();
            }
            var clock = Stopwatch.StartNew();
            Exception? failure = null;
            try { new TrajectorySampler(field, maxBatch).Step(batch); }
            catch (Exception e) { failure = e; }
            Interlocked.Add(ref computeTicks, clock.Elapsed.Ticks);
            Interlocked.Increment(ref calls);
            Interlocked.Add(ref steps, batch.Count);
            lock (gate) Settle(failure, batch);
        }
        lock (gate)
            foreach (var job in jobs) job.Completion.TrySetCanceled();
    }

    /// <summary>Picks up to maxBatch trajectory steps: owners in turn, each owner's requests in turn.</summary>
    private List<Trajectory> Compose()
    {
        foreach (var job in jobs.Where(j => j.Token.IsCancellationRequested).ToList())
        {
            job.Completion.TrySetCanceled(job.Token);
            jobs.Remove(job);
        }
        var batch = new List<Trajectory>(maxBatch);
        if (wholeRequests)
        {
            // Request-level batching: running requests finish together before new ones start.
            var running = jobs.Where(j => j.Started).ToList();
            if (running.Count == 0)
            {
                int room = maxBatch;
                foreach (var job in jobs)
                {
                    if (job.Trajectories.Length > room) break;
                    job.Started = true;
                    room -= job.Trajectories.Length;
                    running.Add(job);
                }
            }
            foreach (var job in running) batch.AddRange(job.Trajectories.Where(t => !t.IsDone));
            return batch;
        }
        var queues = jobs.GroupBy(j => j.Owner).Select(g => new Queue<Job>(g)).ToList();
        // Round-robin over owners, then over each owner's requests, one trajectory at a time.
        bool added = true;
        while (batch.Count < maxBatch && added)
        {
            added = false;
            foreach (var q in queues)
            {
                for (int tries = q.Count; tries > 0 && batch.Count < maxBatch; tries--)
                {
                    var job = q.Dequeue();
                    q.Enqueue(job);
                    var next = NextPending(job, batch);
                    if (next is null) continue;
                    batch.Add(next);
                    added = true;
                    break;
                }
            }
        }
        return batch;
    }

    private static Trajectory? NextPending(Job job, List<Trajectory> already)
    {
        for (int n = 0; n < job.Trajectories.Length; n++)
        {
            var t = job.Trajectories[job.Cursor];
            job.Cursor = (job.Cursor + 1) % job.Trajectories.Length;
            if (!t.IsDone && !already.Contains(t)) return t;
        }
        return null;
    }

    private void Settle(Exception? failure, List<Trajectory> batch)
    {
        foreach (var job in jobs.ToList())
        {
            if (failure is not null && job.Trajectories.Any(batch.Contains))
            {
                job.Completion.TrySetException(failure);
                jobs.Remove(job);
            }
            else if (job.Trajectories.All(t => t.IsDone))
            {
                job.Completion.TrySetResult(job.Trajectories.Select(t =>
                    new DenoiseOutcome(t.State.ToArray(), t.Time, t.X0Predictions, t.Nfe, t.Spec.ModelEvaluations)).ToArray());
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
