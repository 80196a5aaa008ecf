using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>
/// One search job's lifecycle (key: job id): admitted with its tenant, persisted, run (<see cref="JobRun"/>), its progress
/// recorded (<see cref="JobProgressRecorder"/>), and its outcome stored and settled (<see cref="JobCompletion"/>). The grain
/// keeps answering status, event and cancel calls while the search runs. A running job holds a reminder: if its silo
/// dies, the reminder (or any call) activates it elsewhere, and <see cref="OnActivateAsync"/> resumes it from its last
/// checkpoint with the same reservation, deadline and event log. The job's spec was validated at the edge: the grain
/// re-checks none of it.
/// </summary>
[JobPlacementFilter]
public sealed class SearchGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<SearchJobState> job,
    [PersistentState("checkpoint", GrainStorage.Checkpoints)] IPersistentState<JobCheckpointState> saved,
    JobResolution resolution,
    JobCompletion completion,
    IPromptEncoderProvider prompts,
    TimeProvider time,
    IOptions<SearchJobOptions> jobOptions,
    ILogger<SearchGrain> logger) : Grain, ISearchGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private readonly JobEventLog log = new(() => job.State, jobOptions.Value.MaxEvents, time);
    private JobRun? run;
    private IGrainTimer? keepAlive;
    private JobEnding? ending;
    private JobCheckpoints? checkpoints;

    private string JobId => this.GetPrimaryKeyString();
    private SearchJobState State => job.State;

    private JobCheckpoints Checkpoints => checkpoints ??= JobCheckpoints.For(GrainContext, saved, JobId, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Status == JobStatus.Running) await ResumeAsync(cancellationToken); // the activation that ran it is gone
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (run?.Running is not { IsCompleted: false } running) return;
        run.Suspend(); // the job stays running: the next activation resumes it from the last checkpoint
        try { await running.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { } // out of time: the persisted checkpoint is what the next activation gets
    }

    /// <summary>Writes what could not be written, resumes a running job no activation runs, settles a finished one, then leaves.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder) return;
        await Ending.WriteUnsavedAsync(); // throws while storage is down: the next tick tries again
        if (State.Status == JobStatus.Running)
        {
            if (run is null && !Ending.WaitsForStore) await ResumeAsync(CancellationToken.None);
            return;
        }
        if (State.Spec is { } spec && !State.NothingOwed && State.Status != JobStatus.Rejected)
        {
            State.UsageSettled = State.UsageSettled || await completion.SettleAsync(JobId, spec.TenantId, State.Status, State.Spent);
            if (State.Indexed != State.Status && await completion.IndexAsync(JobId, State)) State.Indexed = State.Status;
            await job.WriteStateAsync(CancellationToken.None);
        }
        if (State.NothingOwed || State.Status == JobStatus.Rejected || State.Spec is null) await UnregisterResumeReminderAsync();
    }

    public async Task<JobAdmission> StartAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        if (State.Status is not (JobStatus.None or JobStatus.Rejected))
            return JobAdmission.Reject(QuotaRejection.InvalidRequest, $"job '{JobId}' already exists");
        var tenant = GrainFactory.GetGrain<ITenantGrain>(spec.TenantId);
        // The quota first: a tenant over it costs no model or verifier resolution and no write anywhere.
        if (await tenant.CheckAsync(spec.Planned, cancellationToken) is { Admitted: false } refused) return refused;
        ResolvedJob resolved;
        try { resolved = await resolution.ResolveAsync(spec, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = JobResolution.Classify(e);
            if (reason == QuotaRejection.Unavailable) GrainLog.ResolveFailed(logger, e, JobId);
            return JobAdmission.Reject(reason, reason == QuotaRejection.Unavailable
                ? $"model '{spec.ModelName}' or its verifiers cannot be reached right now; retry later" : e.Message);
        }
        // From here on the reservation must not leak: admission runs to its end whatever the caller does.
        var admission = await tenant.AdmitAsync(JobId, spec.Planned, CancellationToken.None);
        if (!admission.Admitted) return admission; // a rejected job keeps no state: nothing for a random id to grow
        job.State = new SearchJobState { Status = JobStatus.Running, Spec = spec, AcceptedAt = time.GetUtcNow(), ImageShape = spec.Model.Image };
        log.Add(JobEventKind.Accepted, round: -1, best: [], bestScore: double.NaN, message: admission.Message);
        try { await job.WriteStateAsync(CancellationToken.None); }
        catch (Exception e)
        {
            GrainLog.StateWriteFailed(logger, e, JobId);
            job.State = new SearchJobState();
            _ = await completion.SettleAsync(JobId, spec.TenantId, JobStatus.Rejected, JobCost.Zero); // if this fails, the tenant's reconciliation frees it
            return JobAdmission.Reject(QuotaRejection.Unavailable, "the job could not be recorded; retry later");
        }
        // Listed from now on; if this write fails the job is listed once it ends (the end writes its row again).
        if (await completion.IndexAsync(JobId, State)) State.Indexed = JobStatus.Running;
        GrainLog.JobStarted(logger, JobId, spec.TenantId, spec.Algorithm, spec.BudgetNfe);
        await BeginAsync(spec, resolved, checkpoint: null);
        return admission;
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var spec = State.Spec!;
        if (State.Resumptions >= jobOptions.Value.MaxResumptions)
        {
            GrainLog.JobPoisoned(logger, JobId, State.Resumptions); // its silo stopped every time it ran: no crash loop through the cluster
            await FinishAsync(JobRunOutcome.Failed($"the job's silo stopped {State.Resumptions + 1} times while it ran; it is not resumed again"), cancellationToken);
            return;
        }
        IReadOnlyList<SearchCheckpoint>? checkpoint;
        ResolvedJob resolved;
        try
        {
            checkpoint = await Checkpoints.LoadAsync();
            resolved = await resolution.ResolveAsync(spec, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && JobResolution.Classify(e) == QuotaRejection.Unavailable)
        {
            GrainLog.ResumeDeferred(logger, e, JobId); // no capacity now: the job stays running and its reminder tries again
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GrainLog.JobFailed(logger, e, JobId);
            await FinishAsync(JobRunOutcome.Failed("the job's silo stopped and it could not be resumed: its request is no longer served"), cancellationToken);
            return;
        }
        State.Resumptions++;
        log.AddAtBest(JobEventKind.Progress, checkpoint is null
            ? "resumed from the start: the job's silo stopped before its first round ended"
            : $"resumed after round {checkpoint[^1].Round}: the job's silo stopped");
        await job.WriteStateAsync(cancellationToken);
        GrainLog.JobResumed(logger, JobId, checkpoint?[^1].Round ?? -1, State.Resumptions);
        await BeginAsync(spec, resolved, checkpoint);
    }

    /// <summary>Starts (or resumes) the search on this activation, kept alive and covered by the job's reminder while it runs.</summary>
    private async Task BeginAsync(JobSpec spec, ResolvedJob resolved, IReadOnlyList<SearchCheckpoint>? checkpoint)
    {
        TimeSpan? left = spec.Deadline is { } d ? State.AcceptedAt!.Value + d - time.GetUtcNow() : null;
        run = new JobRun(spec, resolved, left, time, jobOptions.Value.CheckpointInterval);
        keepAlive = this.RegisterGrainTimer(static _ => Task.CompletedTask,
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true, Interleave = true });
        try { await this.RegisterOrUpdateReminder(ResumeReminder, jobOptions.Value.ResumeCheckPeriod, jobOptions.Value.ResumeCheckPeriod); }
        catch (Exception e) { GrainLog.ReminderFailed(logger, e, JobId); }
        _ = run.Start(JobId, State.AcceptedAt?.UtcTicks ?? time.GetUtcNow().UtcTicks, checkpoint, prompts, new JobProgressRecorder(job, Checkpoints, log, JobId, logger));
        _ = Ending.AfterRunAsync(run, EndedAsync, Stop);
    }

    private JobEnding Ending => ending ??= new JobEnding(this, job, Checkpoints, log, completion, time, jobOptions.Value.StoreRetryPeriod, JobId, logger);

    /// <summary>Records the outcome (<see cref="JobEnding"/>); once recorded this activation stops running the job.</summary>
    private async Task FinishAsync(JobRunOutcome outcome, CancellationToken cancellationToken)
    {
        if (await Ending.FinishAsync(outcome, EndedAsync, cancellationToken)) await EndedAsync();
    }

    private async Task EndedAsync()
    {
        Stop();
        if (State.NothingOwed) await UnregisterResumeReminderAsync(); // else the reminder retries the settlement or the index row
    }

    /// <summary>This activation no longer runs the search.</summary>
    private void Stop()
    {
        keepAlive?.Dispose();
        keepAlive = null;
        run?.Dispose();
        run = null;
    }

    public Task<JobSnapshot> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(State.Snapshot(JobId));
    public Task<JobResult?> GetResultAsync(CancellationToken cancellationToken) => Task.FromResult(State.Result);
    public Task<JobSpec?> GetSpecAsync(CancellationToken cancellationToken) => Task.FromResult(State.Spec);
    public Task<JobCandidate[]> GetBestAsync(CancellationToken cancellationToken) => Task.FromResult(State.Best);
    public Task<JobEvent[]> GetEventsAsync(int fromIndex, CancellationToken cancellationToken) => Task.FromResult(log.From(fromIndex));

    public Task<JobEventsPage> WaitForEventsAsync(int fromIndex, TimeSpan maxWait, CancellationToken cancellationToken) => log.WaitAsync(fromIndex, maxWait, cancellationToken);

    public Task<bool> CancelAsync(CancellationToken cancellationToken)
    {
        if (State.Status != JobStatus.Running || run?.Running is not { IsCompleted: false }) return Task.FromResult(false);
        run.Cancel();
        return Task.FromResult(true);
    }

    public async Task<JobDeletion> DeleteAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (State.Spec?.TenantId != tenantId || State.Status is JobStatus.None or JobStatus.Rejected) return JobDeletion.Absent;
        if (!State.Status.IsFinished()) return JobDeletion.Running;
        // Its usage is settled before its state goes: the reservation must not outlive the job.
        if (!State.UsageSettled && !(State.UsageSettled = await completion.SettleAsync(JobId, tenantId, State.Status, State.Spent))) return JobDeletion.Unavailable;
        if (!await completion.ForgetAsync(JobId, tenantId, State.IndexEntry(JobId), cancellationToken)) return JobDeletion.Unavailable;
        try
        {
            if (saved.RecordExists) await saved.ClearStateAsync(cancellationToken);
            await job.ClearStateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobRecordsLog.DeleteFailed(logger, e, JobId);
            return JobDeletion.Unavailable;
        }
        await UnregisterResumeReminderAsync();
        JobRecordsLog.JobDeleted(logger, JobId, tenantId);
        DeactivateOnIdle();
        return JobDeletion.Deleted;
    }

    private async Task UnregisterResumeReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
        }
        catch (Exception e) { GrainLog.ReminderFailed(logger, e, JobId); } // a stale reminder finds the job finished and tries again
    }
}
