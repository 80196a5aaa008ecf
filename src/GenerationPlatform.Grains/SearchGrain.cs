using System.Diagnostics;
using System.Threading.Channels;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Grains;

/// <summary>
/// One search job (key: job id). <see cref="StartAsync"/> admits the job with its tenant, persists
/// it and starts the search as a background task that the grain tracks; the grain keeps answering
/// status, event and cancel calls while it runs.
/// </summary>
/// <remarks>
/// Two flows meet here. The search itself (the algorithm from <see cref="AlgorithmCatalog"/>) runs on
/// the thread pool: its awaits use ConfigureAwait(false) and it reaches the denoiser and verifier
/// grains through <see cref="GrainDenoiser"/> and <see cref="GrainVerifier"/>; it never touches grain
/// state. Its progress reports go through a channel to a reader running on this activation, which
/// appends them to the event log and writes the state, with the round's checkpoint, once per round.
/// The search's end is awaited on this activation too, which settles the tenant's usage and writes the outcome.
///
/// While a job runs it holds a reminder. If its silo dies, the reminder (or any call) activates the
/// grain on another silo, whose <see cref="OnActivateAsync"/> finds the job still running and resumes
/// it from the persisted checkpoint, with the same reservation, deadline and event log. An activation
/// that is deactivated mid-search (its silo shutting down) stops the search without ending the job.
/// </remarks>
[JobPlacementFilter]
public sealed class SearchGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<SearchJobState> job,
    [PersistentState("checkpoint", GrainStorage.Checkpoints)] IPersistentState<JobCheckpointState> saved,
    TimeProvider time,
    IOptions<SearchJobOptions> jobOptions,
    ILogger<SearchGrain> logger,
    IResultStore? store = null) : Grain, ISearchGrain, IRemindable
{
    private readonly JobEventLog log = new(() => job.State, jobOptions.Value.MaxEvents, time);
    private const string ResumeReminder = "resume";
    private CancellationTokenSource? cancellation, deadline, deactivation;
    private Task? run;
    private IGrainTimer? keepAlive, storeRetry;
    // A finished search's result while the result store is down, and whether a store attempt is in flight.
    private JobResult? unstored;
    private bool storing;
    // The terminal state could not be written: the reminder writes it before anything else.
    private bool unsaved;
    // The round of the last checkpoint persisted by this activation.
    private int checkpointWritten = -1;

    private string JobId => this.GetPrimaryKeyString();
    private SearchJobState State => job.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The activation that ran this job is gone (its silo stopped or died): continue where it left off.
        if (State.Status == JobStatus.Running) await ResumeAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (run is null or { IsCompleted: true }) return;
        // Stop the search but leave the job running: the next activation resumes it from the last checkpoint.
        deactivation!.Cancel();
        try { await run.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { } // out of time: the persisted checkpoint is what the next activation gets
    }

    /// <summary>
    /// The reminder gets the grain activated (which resumes a running job), retries what a finished job
    /// still owes (settling its tenant's usage) and then removes itself. A running job that this
    /// activation could not resume (no capacity at the time) is tried again.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder) return;
        if (unsaved)
        {
            await job.WriteStateAsync(CancellationToken.None); // throws while storage is down: the next tick tries again
            unsaved = false;
        }
        if (State.Status == JobStatus.Running)
        {
            if (run is null && unstored is null) await ResumeAsync(CancellationToken.None);
            return;
        }
        if (State.Request is not null && !State.UsageSettled && State.Status != JobStatus.Rejected)
        {
            await SettleUsageAsync(State.Status, State.SearchNfe + State.FinalNfe);
            await job.WriteStateAsync(CancellationToken.None);
        }
        // Nothing more to do: settled, rejected, or no job at all under this id (a stale reminder).
        if (State.UsageSettled || State.Status == JobStatus.Rejected || State.Request is null) await UnregisterResumeReminderAsync();
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var request = State.Request!;
        if (State.Resumptions >= jobOptions.Value.MaxResumptions)
        {
            // Its silo stopped every time it ran: a poison job must not crash-loop through the cluster.
            GrainLog.JobPoisoned(logger, JobId, State.Resumptions);
            await FinishAsync(JobStatus.Failed, JobEventKind.Failed,
                $"the job's silo stopped {State.Resumptions + 1} times while it ran; it is not resumed again", State.SearchNfe + State.FinalNfe, null, cancellationToken);
            return;
        }
        SearchCheckpoint? checkpoint;
        Resolved resolved;
        try
        {
            checkpoint = saved.State.Payload is { Length: > 0 } bytes ? SearchCheckpoint.Read(bytes) : null;
            resolved = await ResolveAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && Classify(e) == QuotaRejection.Unavailable)
        {
            // No capacity at the moment (the denoiser's silo is away): the job stays running and its reminder tries again.
            GrainLog.ResumeDeferred(logger, e, JobId);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GrainLog.JobFailed(logger, e, JobId);
            await FinishAsync(JobStatus.Failed, JobEventKind.Failed, "the job's silo stopped and it could not be resumed: its request is no longer served",
                State.SearchNfe + State.FinalNfe, null, cancellationToken);
            return;
        }
        State.Resumptions++;
        int round = checkpoint?.Round ?? -1;
        log.Add(JobEventKind.Progress, State.LastRound, State.Best.Select(c => new CandidateSummary(c.Seed, c.Score, c.Round, c.Origin)).ToArray(),
            State.Best.Length > 0 ? State.Best[0].Score : double.NaN,
            checkpoint is null ? "resumed from the start: the job's silo stopped before its first round ended" : $"resumed after round {round}: the job's silo stopped");
        await job.WriteStateAsync(cancellationToken);
        GrainLog.JobResumed(logger, JobId, round, State.Resumptions);
        await Begin(request, resolved, checkpoint);
    }

    public async Task<JobAdmission> StartAsync(JobRequest request, CancellationToken cancellationToken)
    {
        if (State.Status is not (JobStatus.None or JobStatus.Rejected))
            return JobAdmission.Reject(QuotaRejection.InvalidRequest, $"job '{JobId}' already exists");
        if (Problem(request) is { } problem) return JobAdmission.Reject(QuotaRejection.InvalidRequest, problem);
        Resolved resolved;
        try
        {
            resolved = await ResolveAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = Classify(e);
            if (reason == QuotaRejection.Unavailable) GrainLog.ResolveFailed(logger, e, JobId);
            return JobAdmission.Reject(reason, reason == QuotaRejection.Unavailable
                ? $"model '{request.Model}' or its verifiers cannot be reached right now; retry later"
                : e.Message);
        }

        // From here on the tenant's reservation must not leak: admission runs to its end whatever the caller does,
        // and a job that cannot be recorded gives its reservation back.
        var tenant = GrainFactory.GetGrain<ITenantGrain>(request.TenantId);
        var admission = await tenant.AdmitAsync(JobId, request.BudgetNfe, CancellationToken.None);
        if (!admission.Admitted)
        {
            // A rejected job keeps no state: nothing to persist, nothing for a random id to grow.
            return admission;
        }

        job.State = new SearchJobState { Status = JobStatus.Running, Request = request, AcceptedAt = time.GetUtcNow() };
        log.Add(JobEventKind.Accepted, round: -1, best: [], bestScore: double.NaN, message: admission.Message);
        try
        {
            await job.WriteStateAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            GrainLog.StateWriteFailed(logger, e, JobId);
            job.State = new SearchJobState();
            try { await tenant.ReleaseAsync(JobId, 0, CancellationToken.None); }
            catch (Exception release) { GrainLog.SettleFailed(logger, release, JobId, request.TenantId); } // the tenant's reconciliation frees it
            return JobAdmission.Reject(QuotaRejection.Unavailable, "the job could not be recorded; retry later");
        }
        GrainLog.JobStarted(logger, JobId, request.TenantId, request.Algorithm, request.BudgetNfe);
        await Begin(request, resolved, checkpoint: null);
        return admission;
    }

    /// <summary>Starts (or resumes) the search on this activation, with what it needs while it runs.</summary>
    private async Task Begin(JobRequest request, Resolved resolved, SearchCheckpoint? checkpoint)
    {
        State.ImageShape = resolved.Model.ImageShape.ToContract();
        cancellation = new CancellationTokenSource();
        deactivation = new CancellationTokenSource();
        // The deadline counts from the job's acceptance, across resumptions.
        TimeSpan? left = request.Deadline is { } d ? State.AcceptedAt!.Value + d - time.GetUtcNow() : null;
        deadline = left is { } l ? new CancellationTokenSource(l > TimeSpan.Zero ? l : TimeSpan.Zero, time) : new CancellationTokenSource();
        // While the search runs the activation must not be collected as idle.
        keepAlive = this.RegisterGrainTimer(static _ => Task.CompletedTask,
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true, Interleave = true });
        // If this silo dies, the reminder gets the job activated elsewhere, which resumes it.
        try
        {
            var period = jobOptions.Value.ResumeCheckPeriod;
            await this.RegisterOrUpdateReminder(ResumeReminder, period, period);
        }
        catch (Exception e)
        {
            GrainLog.ReminderFailed(logger, e, JobId);
        }
        run = RunAsync(request, resolved, checkpoint);
    }

    public Task<JobSnapshot> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(new JobSnapshot(
        JobId, State.Request?.TenantId, State.Status, State.EventCount, State.LastRound, State.SearchNfe + State.FinalNfe,
        State.Request?.BudgetNfe ?? 0, State.Best.Length > 0 ? State.Best[0].Score : double.NaN, State.AcceptedAt, State.FinishedAt, State.Message, State.ResultLocation));

    public Task<JobResult?> GetResultAsync(CancellationToken cancellationToken) => Task.FromResult(State.Result);

    public Task<JobRequest?> GetRequestAsync(CancellationToken cancellationToken) => Task.FromResult(State.Request);

    public Task<JobCandidate[]> GetBestAsync(CancellationToken cancellationToken) => Task.FromResult(State.Best);

    public Task<JobEvent[]> GetEventsAsync(int fromIndex, CancellationToken cancellationToken) => Task.FromResult(log.From(fromIndex));

    public Task<JobEventsPage> WaitForEventsAsync(int fromIndex, TimeSpan maxWait, CancellationToken cancellationToken) =>
        log.WaitAsync(fromIndex, maxWait, cancellationToken);

    public Task<bool> CancelAsync(CancellationToken cancellationToken)
    {
        if (State.Status != JobStatus.Running || cancellation is null || run is null or { IsCompleted: true }) return Task.FromResult(false);
        cancellation.Cancel();
        return Task.FromResult(true);
    }

    private static string? Problem(JobRequest r) =>
        string.IsNullOrWhiteSpace(r.TenantId) ? "tenant id is required"
        : string.IsNullOrWhiteSpace(r.Model) ? "model is required"
        : string.IsNullOrWhiteSpace(r.Verifier) ? "verifier is required"
        : r.BudgetNfe <= 0 ? "budget must be positive"
        : r.TopK <= 0 ? "top-k must be positive"
        : r.Steps <= 0 ? "steps must be positive"
        : r.Deadline is { } d && d <= TimeSpan.Zero ? "deadline must be positive"
        : null;

    /// <summary>What a job runs with once resolved: its verifiers' traits and its model's shapes and conditioning.</summary>
    private sealed record Resolved(VerifierTraits[] Traits, ModelDescription Model);

    /// <summary>Checks the algorithm, model and verifiers exist, and the condition suits the model, before anything is reserved.</summary>
    private async Task<Resolved> ResolveAsync(JobRequest request, CancellationToken cancellationToken)
    {
        // What it will spend and size, bounded and exact, before anything is reserved (the API checked it too).
        var (algorithm, _) = AlgorithmCatalog.Plan(request.Algorithm, request.ToSearchRequest());
        // A denoiser of the model is up (NoDenoiserException otherwise) and knows it (UnknownModelException otherwise).
        var (denoiser, _) = await Directory.PickAsync(request.Model, 0, [], cancellationToken);
        var model = (await denoiser.DescribeAsync(cancellationToken)).ToDescription();
        if (ConditionProblem(request, model.Conditioning) is { } problem) throw new ArgumentException(problem);
        var names = new[] { request.Verifier }.Concat(request.ReportedVerifiers ?? []).Distinct(StringComparer.Ordinal).ToArray();
        var traits = new VerifierTraits[names.Length];
        for (int i = 0; i < names.Length; i++) traits[i] = await Verifier(names[i]).GetTraitsAsync(cancellationToken);
        if (algorithm.RanksNoisyInputs && !traits[0].RanksNoisyInputs)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "ranking", Search.Algorithms.StageSchedule.NoHeadMessage(algorithm.Name, traits[0].Name));
        return new Resolved(traits, model);
    }

    /// <summary>A class for a class model, a prompt for a text model, never both (the API checks it too, naming the field).</summary>
    private static string? ConditionProblem(JobRequest r, Conditioning conditioning) => conditioning.IsText
        ? string.IsNullOrWhiteSpace(r.Prompt) ? $"model '{r.Model}' is a text model: give a prompt, not a class" : null
        : r.Prompt is not null ? $"model '{r.Model}' is a class model: give a class, not a prompt"
        : r.Label < 0 || r.Label >= conditioning.Classes ? $"class {r.Label} is outside 0..{conditioning.Classes - 1} of model '{r.Model}'"
        : null;

    /// <summary>
    /// A text model's prompt embedding, prepared here where the condition is prepared (never inside the denoiser's
    /// model calls): one encoder call per job, cached per prompt by the encoder.
    /// </summary>
    private Task<float[]?> PromptEmbeddingAsync(JobRequest request, ModelDescription model, CancellationToken cancellationToken)
    {
        if (!model.Conditioning.IsText) return Task.FromResult<float[]?>(null);
        var encoders = ServiceProvider.GetRequiredService<IPromptEncoderProvider>();
        return Task.Run(() => (float[]?)encoders.Get(model.Conditioning.TextEncoder!).Encode(request.Prompt!, model.Conditioning.EmbeddingSize, cancellationToken), cancellationToken);
    }

    private DenoiserDirectory Directory => ServiceProvider.GetRequiredService<DenoiserDirectory>();

    /// <summary>The verifier's grain on this silo: scoring stays near the search that asks for it.</summary>
    private IVerifierGrain Verifier(string name) => GrainFactory.GetGrain<IVerifierGrain>(SiloBoundKey.Of(name, ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress));

    /// <summary>Why a request cannot be resolved: what it names is not served, it is unusable, or the cluster cannot take it now.</summary>
    private static QuotaRejection Classify(Exception e) => e switch
    {
        SearchPlanException or ArgumentException => QuotaRejection.InvalidRequest,
        UnknownModelException => QuotaRejection.UnknownModel,
        NoDenoiserException => QuotaRejection.Unavailable,
        GenerationPlatform.Verifiers.UnknownVerifierException => QuotaRejection.UnknownVerifier,
        _ => QuotaRejection.Unavailable,
    };

    private async Task RunAsync(JobRequest request, Resolved resolved, SearchCheckpoint? checkpoint)
    {
        // The job's span: a child of the call that started (or resumed) it; rounds, batches' links and the result write hang off it.
        using var span = SearchTelemetry.Source.StartActivity("search.job", ActivityKind.Internal);
        span?.SetTag("genplat.job", JobId);
        span?.SetTag("genplat.tenant", request.TenantId);
        span?.SetTag("genplat.algorithm", request.Algorithm);
        span?.SetTag("genplat.verifier", request.Verifier);
        span?.SetTag("genplat.budget_nfe", request.BudgetNfe);
        if (checkpoint is not null) span?.SetTag("genplat.resumed_after_round", checkpoint.Round);
        var tenantTag = new KeyValuePair<string, object?>("tenant", request.TenantId);
        PlatformMetrics.ActiveJobs.Add(1, tenantTag);
        try { await SearchAsync(request, resolved, checkpoint, span); }
        finally { PlatformMetrics.ActiveJobs.Add(-1, tenantTag); }
    }

    private async Task SearchAsync(JobRequest request, Resolved resolved, SearchCheckpoint? checkpoint, Activity? span)
    {
        var budget = new NfeBudget(request.BudgetNfe);
        var progress = Channel.CreateUnbounded<SearchProgress>(new UnboundedChannelOptions { SingleReader = true });
        var recording = RecordProgressAsync(progress.Reader);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation!.Token, deadline!.Token, deactivation!.Token);
        SearchResult? result = null;
        Exception? failure = null;
        try
        {
            var algorithm = AlgorithmCatalog.Create(request.Algorithm);
            var names = new[] { request.Verifier }.Concat(request.ReportedVerifiers ?? []).Distinct(StringComparer.Ordinal).ToArray();
            var verifiers = names.Select((n, i) => new GrainVerifier(Verifier(n), resolved.Traits[i], request.TenantId)).ToArray();
            var context = new SearchContext(
                new GrainDenoiser(Directory, resolved.Model, request.TenantId, State.AcceptedAt?.UtcTicks ?? DateTime.UtcNow.Ticks),
                new VerifierPanel(verifiers[0], verifiers.Skip(1).ToArray()),
                budget,
                new ChannelProgress(progress.Writer),
                checkpoint);
            var token = stop.Token;
            var searchRequest = request.ToSearchRequest(await PromptEmbeddingAsync(request, resolved.Model, token));
            result = await Task.Run(() => algorithm.RunAsync(searchRequest, context, token), CancellationToken.None);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            progress.Writer.TryComplete();
        }
        await recording;

        if (failure is not null && deactivation.IsCancellationRequested && !cancellation.IsCancellationRequested && !deadline.IsCancellationRequested)
        {
            // This activation is going away mid-search: the job stays running, and its reminder and checkpoint stay in place.
            keepAlive?.Dispose();
            keepAlive = null;
            deadline.Dispose();
            GrainLog.JobSuspended(logger, JobId, State.LastRound);
            return;
        }

        var (status, kind, message) =
            failure is null ? (JobStatus.Completed, JobEventKind.Completed, (string?)null)
            : cancellation.IsCancellationRequested ? (JobStatus.Cancelled, JobEventKind.Cancelled, "cancelled")
            : deadline.IsCancellationRequested ? (JobStatus.DeadlineExceeded, JobEventKind.DeadlineExceeded, $"deadline of {request.Deadline} exceeded")
            : (JobStatus.Failed, JobEventKind.Failed, failure.Message);
        if (status == JobStatus.Failed)
        {
            GrainLog.JobFailed(logger, failure!, JobId);
            span?.SetStatus(ActivityStatusCode.Error, failure!.Message);
        }
        State.SearchNfe = budget.SearchNfe;
        State.FinalNfe = budget.FinalNfe;
        try { await FinishAsync(status, kind, message, budget.Spent, result?.ToContract(request.Algorithm, resolved.Model.ForwardFlops), CancellationToken.None); }
        catch (Exception e)
        {
            // The outcome is in memory but not persisted: the reminder (still registered) writes it again.
            unsaved = true;
            GrainLog.StateWriteFailed(logger, e, JobId);
        }
    }

    /// <summary>
    /// Records and persists the outcome, after settling the tenant's usage. A completed search is
    /// Completed only once its result is stored; while the result store is down the job stays running
    /// (its images held by this activation) and retries every <c>StoreRetryPeriod</c>, however long
    /// the outage lasts. Settling that fails is retried by the job's reminder.
    /// </summary>
    private async Task FinishAsync(JobStatus status, JobEventKind kind, string? message, long spentNfe, JobResult? result, CancellationToken cancellationToken,
        bool stored = false)
    {
        var request = State.Request!;
        if (!stored && status == JobStatus.Completed && result is not null && store is not null)
        {
            if (!await ResultWriting.StoreAsync(store, JobId, State, result, ImageShapeOfJob, time.GetUtcNow(), logger, cancellationToken))
            {
                WaitForStore(store, spentNfe, result);
                return;
            }
            // The store is the one source of the result's images: the state keeps scores and seeds only.
            result = result with { Top = result.Top.Select(c => c with { Image = [] }).ToArray() };
        }
        await SettleUsageAsync(status, spentNfe);
        State.Result = result;
        if (result is not null) State.Best = result.Top;
        else State.Best = State.Best.Select(c => c with { Image = [] }).ToArray();
        log.Add(kind, State.LastRound, State.Best.Select(c => new CandidateSummary(c.Seed, c.Score, c.Round, c.Origin)).ToArray(),
            State.Best.Length > 0 ? State.Best[0].Score : double.NaN, message);
        State.Message = message;
        State.FinishedAt = time.GetUtcNow();
        State.Status = status;
        await job.WriteStateAsync(cancellationToken);
        var outcome = new[] { new KeyValuePair<string, object?>("tenant", request.TenantId), new("outcome", PlatformMetrics.Tag(status)) };
        PlatformMetrics.Jobs.Add(1, outcome);
        if (State.AcceptedAt is { } accepted)
            PlatformMetrics.JobDuration.Record((State.FinishedAt.Value - accepted).TotalSeconds,
                [.. outcome, new("algorithm", AlgorithmCatalog.NameOf(request.Algorithm))]);
        keepAlive?.Dispose();
        keepAlive = null;
        storeRetry?.Dispose();
        storeRetry = null;
        deadline?.Dispose(); // its timer; the token stays readable
        // The reminder stays while the tenant's usage is unsettled: it retries the settlement.
        if (State.UsageSettled) await UnregisterResumeReminderAsync();
        await ClearCheckpointAsync(); // only a running job resumes
        GrainLog.JobEnded(logger, JobId, status, spentNfe);
    }

    /// <summary>Replaces the tenant's reservation by what the job spent (once); a failure leaves it for the reminder to retry.</summary>
    private async Task SettleUsageAsync(JobStatus status, long spentNfe)
    {
        if (State.UsageSettled) return;
        var request = State.Request!;
        try
        {
            var tenant = GrainFactory.GetGrain<ITenantGrain>(request.TenantId);
            if (status == JobStatus.Completed) await tenant.SettleAsync(JobId, spentNfe, CancellationToken.None);
            else await tenant.ReleaseAsync(JobId, spentNfe, CancellationToken.None);
            State.UsageSettled = true;
        }
        catch (Exception e)
        {
            GrainLog.SettleFailed(logger, e, JobId, request.TenantId);
        }
    }

    /// <summary>
    /// The search is done but the store is down: keep the result on this activation, say so in the
    /// job's state and try again on a timer until it is stored. The job shows as running meanwhile.
    /// </summary>
    private void WaitForStore(IResultStore store, long spentNfe, JobResult result)
    {
        unstored = result;
        State.Message = "the search is done; its result waits for the result store, which is unavailable";
        _ = PersistQuietlyAsync();
        if (storeRetry is not null) return;
        var period = jobOptions.Value.StoreRetryPeriod;
        storeRetry = this.RegisterGrainTimer(async _ =>
        {
            if (unstored is not { } pending || storing) return;
            storing = true;
            try
            {
                if (!await ResultWriting.StoreAsync(store, JobId, State, pending, ImageShapeOfJob, time.GetUtcNow(), logger, CancellationToken.None)) return;
                unstored = null;
                storeRetry?.Dispose();
                storeRetry = null;
                State.Message = null;
                await FinishAsync(JobStatus.Completed, JobEventKind.Completed, null, spentNfe,
                    pending with { Top = pending.Top.Select(c => c with { Image = [] }).ToArray() }, CancellationToken.None, stored: true);
            }
            finally { storing = false; }
        }, new GrainTimerCreationOptions(period, period) { KeepAlive = true, Interleave = false });
    }

    /// <summary>The job's image shape (jobs recorded before shapes were are Fashion-MNIST's 1x28x28).</summary>
    private ImageShape ImageShapeOfJob => State.ImageShape?.ToShape() ?? new ImageShape(1, 28, 28);

    private async Task ClearCheckpointAsync()
    {
        if (!saved.RecordExists) return;
        try { await saved.ClearStateAsync(CancellationToken.None); }
        catch (Exception e) { GrainLog.StateWriteFailed(logger, e, JobId); } // a finished job never reads it again
    }

    private async Task PersistQuietlyAsync()
    {
        try { await job.WriteStateAsync(CancellationToken.None); }
        catch (Exception e) { GrainLog.StateWriteFailed(logger, e, JobId); }
    }

    private async Task UnregisterResumeReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
        }
        catch (Exception e)
        {
            GrainLog.ReminderFailed(logger, e, JobId); // a stale reminder finds the job finished and tries again
        }
    }

    /// <summary>Runs on this activation: every batch of progress reports becomes events and one state write.</summary>
    private async Task RecordProgressAsync(ChannelReader<SearchProgress> reader)
    {
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var p))
            {
                // A resumed search repeats only a report that was not checkpointed (the last one): log each round once.
                if (p.Round <= State.LastRound) continue;
                State.LastRound = p.Round;
                if (p.Checkpoint is not null) (saved.State.Payload, saved.State.Round) = (p.Checkpoint.Payload, p.Round);
                State.SearchNfe = p.Nfe.Search;
                State.FinalNfe = p.Nfe.Final;
                State.Best = p.Best.Select(c => c.ToContract()).ToArray();
                log.Add(JobEventKind.Progress, p.Round, p.Best.Select(c => c.ToSummary()).ToArray(), p.BestScore, null);
            }
            try
            {
                // The checkpoint first: the job's state never claims a round that its checkpoint does not hold.
                if (saved.State.Round > checkpointWritten)
                {
                    await saved.WriteStateAsync(CancellationToken.None);
                    checkpointWritten = saved.State.Round;
                }
                await job.WriteStateAsync(CancellationToken.None);
            }
            catch (Exception e) { GrainLog.StateWriteFailed(logger, e, JobId); } // the next round's or the final write carries it
        }
    }

    /// <summary>Hands progress reports from the search's threads to the activation.</summary>
    private sealed class ChannelProgress(ChannelWriter<SearchProgress> writer) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => writer.TryWrite(value);
    }
}
