using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

/// <summary>
/// A job's event log, kept in its state as a bounded window (the first event and the latest ones,
/// <c>MaxEvents</c> in all, indices counting on), with a signal for whoever waits for the next event,
/// so updates are pushed to streams instead of polled.
/// </summary>
internal sealed class JobEventLog(Func<SearchJobState> state, int maxEvents, TimeProvider time)
{
    /// <summary>The longest a caller waits for an event in one call (inside Orleans' default response timeout).</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(20);

    private TaskCompletionSource added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Appends an event with the job's current spending, drops the oldest progress event past the window, wakes waiters. Only
    /// the newest event keeps <paramref name="previews"/>: an event with pictures takes them from the one before, so the
    /// state holds at most one event's worth.
    /// </summary>
    public void Add(JobEventKind kind, int round, CandidateSummary[] best, double bestScore, string? message, PreviewImage[]? previews = null)
    {
        var s = state();
        if (previews is not null && s.Events.FindLastIndex(e => e.Previews is not null) is >= 0 and var pictured)
            s.Events[pictured] = s.Events[pictured] with { Previews = null };
        s.Events.Add(new JobEvent(s.EventCount++, kind, time.GetUtcNow(), round, s.SearchNfe, s.FinalNfe, s.Spec?.BudgetNfe ?? 0, bestScore, best, message, s.ModelEvaluations,
            previews));
        if (s.Events.Count > maxEvents) s.Events.RemoveAt(1);
        Interlocked.Exchange(ref added, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Appends an event at the job's last round with its best candidates so far.</summary>
    public void AddAtBest(JobEventKind kind, string? message)
    {
        var s = state();
        Add(kind, s.LastRound, s.Best.Select(c => new CandidateSummary(c.Seed, c.Score, c.Round, c.Origin)).ToArray(), s.Best.Length > 0 ? s.Best[0].Score : double.NaN, message);
    }

    /// <summary>The latest event, if any.</summary>
    public JobEvent? Last => state().Events is { Count: > 0 } events ? events[^1] : null;

    /// <summary>The events kept from <paramref name="index"/> on.</summary>
    public JobEvent[] From(int index) => state().Events.Where(e => e.Index >= index).ToArray();

    /// <summary>Events from <paramref name="index"/> on once there are any (or the job has ended, or the wait is over).</summary>
    public async Task<JobEventsPage> WaitAsync(int index, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var wait = maxWait < LongestWait ? maxWait : LongestWait;
        if (state().EventCount <= index && !Over && wait > TimeSpan.Zero)
        {
            // The next event (or the timeout, or the caller going away) wakes this call.
            try { await added.Task.WaitAsync(wait, time, cancellationToken); }
            catch (TimeoutException) { }
        }
        return new JobEventsPage(From(index), Over);
    }

    /// <summary>Nothing more will be logged: the job has ended, or it is gone (deleted, or never started).</summary>
    private bool Over => state().Status is JobStatus.None || state().Status.IsFinished();
}
