using System.Diagnostics;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;

namespace GenerationPlatform.Grains;

/// <summary>
/// One run of a job's search on one activation (its first, or a resumption): the algorithm on the thread pool, reaching
/// the denoiser and verifier grains through the job's <see cref="ResolvedJob"/>, its progress handed to a
/// <see cref="JobProgressRecorder"/> on the activation. It stops when the job is cancelled, its deadline passes (counted
/// from the job's acceptance, across resumptions) or the activation goes away, and says which.
/// </summary>
internal sealed class JobRun : IDisposable
{
    private readonly CancellationTokenSource cancellation = new(), deactivation = new(), deadline;
    private readonly JobSpec spec;
    private readonly ResolvedJob resolved;

    private readonly CheckpointCadence cadence;

    public JobRun(JobSpec spec, ResolvedJob resolved, TimeSpan? deadlineLeft, TimeProvider time, TimeSpan checkpointInterval)
    {
        (this.spec, this.resolved) = (spec, resolved);
        cadence = new CheckpointCadence(checkpointInterval, time);
        deadline = deadlineLeft is { } l ? new CancellationTokenSource(l > TimeSpan.Zero ? l : TimeSpan.Zero, time) : new CancellationTokenSource();
    }

    public Task<JobRunOutcome>? Running { get; private set; }

    /// <summary>The job's span: a child of the call that started (or resumed) it; rounds, batches' links and the result write hang off it.</summary>
    public Activity? Span { get; private set; }

    /// <summary>Starts the run; <paramref name="priority"/> orders the job within its tenant's share of the denoisers.</summary>
    public Task<JobRunOutcome> Start(string jobId, long priority, IReadOnlyList<SearchCheckpoint>? checkpoint, IPromptEncoderProvider prompts, JobProgressRecorder recorder)
    {
        Span = SearchTelemetry.Source.StartActivity("search.job", ActivityKind.Internal);
        Span?.SetTag("genplat.job", jobId);
        Span?.SetTag("genplat.tenant", spec.TenantId);
        Span?.SetTag("genplat.algorithm", spec.Algorithm);
        Span?.SetTag("genplat.verifier", spec.Verifier);
        Span?.SetTag("genplat.budget_nfe", spec.BudgetNfe);
        if (checkpoint is { Count: > 0 }) Span?.SetTag("genplat.resumed_after_round", checkpoint[^1].Round);
        return Running = RunAsync(priority, checkpoint, prompts, recorder);
    }

    public void Cancel() => cancellation.Cancel();

    /// <summary>Stops the search without ending the job: the next activation resumes it from its checkpoint.</summary>
    public void Suspend() => deactivation.Cancel();

    private async Task<JobRunOutcome> RunAsync(long priority, IReadOnlyList<SearchCheckpoint>? checkpoint, IPromptEncoderProvider prompts, JobProgressRecorder recorder)
    {
        var tenantTag = new KeyValuePair<string, object?>("tenant", spec.TenantId);
        PlatformMetrics.ActiveJobs.Add(1, tenantTag);
        try
        {
            var outcome = await SearchAsync(priority, checkpoint, prompts, recorder);
            if (outcome.Status == JobStatus.Failed) Span?.SetStatus(ActivityStatusCode.Error, outcome.Failure?.Message);
            return outcome;
        }
        finally { PlatformMetrics.ActiveJobs.Add(-1, tenantTag); }
    }

    private async Task<JobRunOutcome> SearchAsync(long priority, IReadOnlyList<SearchCheckpoint>? checkpoint, IPromptEncoderProvider prompts, JobProgressRecorder recorder)
    {
        var budget = new NfeBudget(spec.BudgetNfe);
        var progress = new LatestProgress();
        // A resumed run starts a new chain: links a stopped activation wrote past the stored index may exist.
        if (checkpoint is not null) cadence.Lost();
        var recording = recorder.RecordAsync(progress, cadence);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token, deadline.Token, deactivation.Token);
        SearchResult? result = null;
        Exception? failure = null;
        SearchContext? context = null;
        try
        {
            var algorithm = AlgorithmCatalog.Create(spec.Algorithm);
            var searching = resolved.Context(spec.TenantId, priority, budget, progress, checkpoint, cadence);
            context = searching;
            var token = stop.Token;
            var request = spec.ToSearchRequest(await PromptEmbeddingAsync(prompts, token));
            result = await Task.Run(() => algorithm.RunAsync(request, searching, token), CancellationToken.None);
        }
        catch (Exception e) { failure = e; }
        finally { progress.Complete(); }
        await recording;
        if (failure is not null && deactivation.IsCancellationRequested && !cancellation.IsCancellationRequested && !deadline.IsCancellationRequested)
            return JobRunOutcome.Suspended;
        var (status, kind, message) =
            failure is null ? (JobStatus.Completed, JobEventKind.Completed, (string?)null)
            : cancellation.IsCancellationRequested ? (JobStatus.Cancelled, JobEventKind.Cancelled, "cancelled")
            : deadline.IsCancellationRequested ? (JobStatus.DeadlineExceeded, JobEventKind.DeadlineExceeded, $"deadline of {spec.Deadline} exceeded")
            : (JobStatus.Failed, JobEventKind.Failed, failure.Message);
        return new JobRunOutcome(status, kind, message, failure, result?.ToContract(spec.Algorithm, resolved.Model.ForwardFlops), budget.SearchNfe, budget.FinalNfe,
            budget.ModelEvaluations, recorder.FlopsBefore + (context?.Verifiers.Flops ?? 0));
    }

    /// <summary>
    /// A text model's prompt embedding, prepared here where the condition is prepared (never inside the denoiser's
    /// model calls): one encoder call per run, cached per prompt by the encoder.
    /// </summary>
    private Task<float[]?> PromptEmbeddingAsync(IPromptEncoderProvider prompts, CancellationToken cancellationToken)
    {
        var conditioning = resolved.Model.Conditioning;
        if (!conditioning.IsText) return Task.FromResult<float[]?>(null);
        return Task.Run(() => (float[]?)prompts.Get(conditioning.TextEncoder!).Encode(spec.Prompt!, conditioning.EmbeddingSize, cancellationToken), cancellationToken);
    }

    /// <summary>Ends the job's span and frees the run's timers.</summary>
    public void Dispose()
    {
        Span?.Dispose();
        deadline.Dispose(); // its timer; the tokens stay readable
        cancellation.Dispose();
        deactivation.Dispose();
    }
}
