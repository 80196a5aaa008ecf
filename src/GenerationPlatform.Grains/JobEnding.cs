using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

/// <summary>
/// Ends a job on its activation: a completed search's result goes to the store first (a job is Completed only once its
/// result is stored; while the store is down the job stays running, its images held here, and a grain timer tries again
/// every <c>StoreRetryPeriod</c>, however long the outage lasts), then the tenant's usage is settled (a failure is left
/// to the job's reminder), and the outcome is recorded, logged and persisted.
/// </summary>
internal sealed class JobEnding(
    IGrainBase grain,
    IPersistentState<SearchJobState> job,
    JobCheckpoints checkpoints,
    JobEventLog log,
    JobCompletion completion,
    TimeProvider time,
    TimeSpan storeRetryPeriod,
    string jobId,
    ILogger logger)
{
    private IGrainTimer? storeRetry;
    private bool unsaved; // the terminal state could not be written: the job's reminder writes it first

    private SearchJobState State => job.State;
    private string JobId => jobId;

    /// <summary>
    /// Runs on the activation once the search has ended: records its outcome (then <paramref name="ended"/>), or, when the
    /// activation is going away mid-search, leaves the job running for the next one (<paramref name="suspended"/>).
    /// </summary>
    public async Task AfterRunAsync(JobRun run, Func<Task> ended, Action suspended)
    {
        var outcome = await run.Running!;
        System.Diagnostics.Activity.Current = run.Span; // the result write is a child of the job's span
        if (outcome.IsSuspended)
        {
            suspended();
            GrainLog.JobSuspended(logger, JobId, State.LastRound);
            return;
        }
        if (outcome.Status == JobStatus.Failed) GrainLog.JobFailed(logger, outcome.Failure!, JobId);
        (State.SearchNfe, State.FinalNfe, State.ModelEvaluations) = (outcome.SearchNfe, outcome.FinalNfe, outcome.ModelEvaluations);
        State.VerifierFlops = outcome.VerifierFlops;
        try
        {
            if (await FinishAsync(outcome, ended, CancellationToken.None)) await ended();
        }
        catch (Exception e)
        {
            unsaved = true; // the outcome is in memory but not persisted: the reminder (still registered) writes it again
            GrainLog.StateWriteFailed(logger, e, JobId);
        }
    }

    /// <summary>Writes an outcome whose write failed; throws while storage is down.</summary>
    public async Task WriteUnsavedAsync()
    {
        if (!unsaved) return;
        await job.WriteStateAsync(CancellationToken.None);
        unsaved = false;
    }

    /// <summary>True once the outcome is recorded; false while the result waits for the store (the timer finishes it, then calls <paramref name="ended"/>).</summary>
    public async Task<bool> FinishAsync(JobRunOutcome outcome, Func<Task> ended, CancellationToken cancellationToken)
    {
        if (outcome is { Status: JobStatus.Completed, Result: { } result } && completion.Stores)
        {
            if (await completion.StoreAsync(JobId, State, result, time.GetUtcNow(), cancellationToken) is not { } location)
            {
                WaitForStore(outcome, ended);
                return false;
            }
            State.ResultLocation = location;
            outcome = outcome with { Result = result.WithoutImages() }; // the store is the one source of the result's images
        }
        State.UsageSettled = State.UsageSettled || await completion.SettleAsync(JobId, State.Spec!.TenantId, outcome.Status, State.Spent);
        State.End(outcome.Status, outcome.Message, outcome.Result, time.GetUtcNow());
        State.Indexed = await completion.IndexAsync(JobId, State) ? outcome.Status : JobStatus.None; // else the job's reminder writes it
        log.AddAtBest(outcome.Kind, outcome.Message);
        await job.WriteStateAsync(cancellationToken);
        JobCompletion.Count(State.Spec!, outcome.Status, State.AcceptedAt, State.FinishedAt!.Value);
        storeRetry?.Dispose();
        storeRetry = null;
        await checkpoints.ClearAsync(); // only a running job resumes
        GrainLog.JobEnded(logger, JobId, outcome.Status, State.SearchNfe + State.FinalNfe);
        return true;
    }

    /// <summary>Whether a finished search's result is waiting here for the store.</summary>
    public bool WaitsForStore => storeRetry is not null;

    private void WaitForStore(JobRunOutcome outcome, Func<Task> ended)
    {
        State.Message = "the search is done; its result waits for the result store, which is unavailable";
        _ = PersistQuietlyAsync();
        storeRetry ??= grain.RegisterGrainTimer(async _ =>
        {
            State.Message = null;
            if (await FinishAsync(outcome, ended, CancellationToken.None)) await ended();
        }, new GrainTimerCreationOptions(storeRetryPeriod, storeRetryPeriod) { KeepAlive = true, Interleave = false });
    }

    private async Task PersistQuietlyAsync()
    {
        try { await job.WriteStateAsync(CancellationToken.None); }
        catch (Exception e) { GrainLog.StateWriteFailed(logger, e, JobId); }
    }
}
