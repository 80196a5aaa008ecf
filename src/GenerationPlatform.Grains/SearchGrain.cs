using System.Threading.Channels;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
/// appends them to the event log and writes the state once per round. The search's end is awaited
/// on this activation too, which settles the tenant's usage and writes the outcome.
/// </remarks>
public sealed class SearchGrain(
    [PersistentState("job", GrainStorage.Name)] IPersistentState<SearchJobState> job,
    TimeProvider time,
    ILogger<SearchGrain> logger) : Grain, ISearchGrain
{
    private CancellationTokenSource? cancellation, deadline;
    private Task? run;
    private IGrainTimer? keepAlive;

    private string JobId => this.GetPrimaryKeyString();
    private SearchJobState State => job.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Status == JobStatus.Running)
        {
            // The activation that ran this job is gone (its silo stopped). Resuming from the last
            // round needs resumable algorithms; until then the job ends here, honestly.
            await FinishAsync(JobStatus.Failed, JobEventKind.Failed, "interrupted: the silo running the job stopped; resume is not supported yet",
                State.SearchNfe + State.FinalNfe, null, cancellationToken);
        }
    }

    public async Task<JobAdmission> StartAsync(JobRequest request, CancellationToken cancellationToken)
    {
        if (State.Status is not (JobStatus.None or JobStatus.Rejected))
            return JobAdmission.Reject(QuotaRejection.InvalidRequest, $"job '{JobId}' already exists");
        if (Problem(request) is { } problem) return JobAdmission.Reject(QuotaRejection.InvalidRequest, problem);
        VerifierTraits[] traits;
        try
        {
            traits = await ResolveAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return JobAdmission.Reject(QuotaRejection.InvalidRequest, e.Message);
        }

        var admission = await GrainFactory.GetGrain<ITenantGrain>(request.TenantId).AdmitAsync(JobId, request.BudgetNfe, cancellationToken);
        if (!admission.Admitted)
        {
            job.State = new SearchJobState { Status = JobStatus.Rejected, Request = request, Message = admission.Message, FinishedAt = time.GetUtcNow() };
            await job.WriteStateAsync(CancellationToken.None);
            return admission;
        }

        job.State = new SearchJobState { Status = JobStatus.Running, Request = request, AcceptedAt = time.GetUtcNow() };
        AddEvent(JobEventKind.Accepted, round: -1, best: [], bestScore: double.NaN, message: admission.Message);
        await job.WriteStateAsync(CancellationToken.None);
        GrainLog.JobStarted(logger, JobId, request.TenantId, request.Algorithm, request.BudgetNfe);

        cancellation = new CancellationTokenSource();
        deadline = request.Deadline is { } d ? new CancellationTokenSource(d, time) : new CancellationTokenSource();
        // While the search runs the activation must not be collected as idle.
        keepAlive = this.RegisterGrainTimer(static _ => Task.CompletedTask,
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true, Interleave = true });
        run = RunAsync(request, traits);
        return admission;
    }

    public Task<JobSnapshot> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(new JobSnapshot(
        JobId, State.Request?.TenantId, State.Status, State.Events.Count, State.LastRound, State.SearchNfe + State.FinalNfe,
        State.Request?.BudgetNfe ?? 0, State.Best.Length > 0 ? State.Best[0].Score : double.NaN, State.AcceptedAt, State.FinishedAt, State.Message, State.ResultLocation));

    public Task<JobResult?> GetResultAsync(CancellationToken cancellationToken) => Task.FromResult(State.Result);

    public Task<JobRequest?> GetRequestAsync(CancellationToken cancellationToken) => Task.FromResult(State.Request);

    public Task<JobCandidate[]> GetBestAsync(CancellationToken cancellationToken) => Task.FromResult(State.Best);

    public Task<JobEvent[]> GetEventsAsync(int fromIndex, CancellationToken cancellationToken) =>
        Task.FromResult(State.Events.Skip(Math.Max(0, fromIndex)).ToArray());

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

    /// <summary>Checks the algorithm, model and verifiers exist before anything is reserved.</summary>
    private async Task<VerifierTraits[]> ResolveAsync(JobRequest request, CancellationToken cancellationToken)
    {
        AlgorithmCatalog.Create(request.Algorithm).Validate();
        await GrainFactory.GetGrain<IDenoiserGrain>(request.Model).GetStatsAsync(cancellationToken);
        var names = new[] { request.Verifier }.Concat(request.ReportedVerifiers ?? []).Distinct(StringComparer.Ordinal).ToArray();
        var traits = new VerifierTraits[names.Length];
        for (int i = 0; i < names.Length; i++) traits[i] = await GrainFactory.GetGrain<IVerifierGrain>(names[i]).GetTraitsAsync(cancellationToken);
        return traits;
    }

    private async Task RunAsync(JobRequest request, VerifierTraits[] traits)
    {
        var budget = new NfeBudget(request.BudgetNfe);
        var progress = Channel.CreateUnbounded<SearchProgress>(new UnboundedChannelOptions { SingleReader = true });
        var recording = RecordProgressAsync(progress.Reader);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation!.Token, deadline!.Token);
        SearchResult? result = null;
        Exception? failure = null;
        try
        {
            var algorithm = AlgorithmCatalog.Create(request.Algorithm);
            var names = new[] { request.Verifier }.Concat(request.ReportedVerifiers ?? []).Distinct(StringComparer.Ordinal).ToArray();
            var verifiers = names.Select((n, i) => new GrainVerifier(GrainFactory.GetGrain<IVerifierGrain>(n), traits[i])).ToArray();
            var context = new SearchContext(
                new GrainDenoiser(GrainFactory.GetGrain<IDenoiserGrain>(request.Model), request.TenantId),
                new VerifierPanel(verifiers[0], verifiers.Skip(1).ToArray()),
                budget,
                new ChannelProgress(progress.Writer));
            var searchRequest = request.ToSearchRequest();
            var token = stop.Token;
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

        var (status, kind, message) =
            failure is null ? (JobStatus.Completed, JobEventKind.Completed, (string?)null)
            : cancellation.IsCancellationRequested ? (JobStatus.Cancelled, JobEventKind.Cancelled, "cancelled")
            : deadline.IsCancellationRequested ? (JobStatus.DeadlineExceeded, JobEventKind.DeadlineExceeded, $"deadline of {request.Deadline} exceeded")
            : (JobStatus.Failed, JobEventKind.Failed, failure.Message);
        if (status == JobStatus.Failed) GrainLog.JobFailed(logger, failure!, JobId);
        State.SearchNfe = budget.SearchNfe;
        State.FinalNfe = budget.FinalNfe;
        try { await FinishAsync(status, kind, message, budget.Spent, result?.ToContract(), CancellationToken.None); }
        catch (Exception e) { GrainLog.StateWriteFailed(logger, e, JobId); }
    }

    /// <summary>Settles the tenant's usage, then records and persists the outcome: once it shows, the tenant's slot is free.</summary>
    private async Task FinishAsync(JobStatus status, JobEventKind kind, string? message, long spentNfe, JobResult? result, CancellationToken cancellationToken)
    {
        var request = State.Request!;
        // Completed only once the result is stored (ResultWriting.cs); a silo without a result store keeps it in grain state only.
        if (status == JobStatus.Completed && result is not null && ServiceProvider.GetService<IResultStore>() is { } store)
            (status, kind, message, result) = await ResultWriting.StoreAsync(store, JobId, State, result, time.GetUtcNow(), logger, cancellationToken);
        if (!State.UsageSettled)
        {
            try
            {
                var tenant = GrainFactory.GetGrain<ITenantGrain>(request.TenantId);
                if (status == JobStatus.Completed) await tenant.SettleAsync(JobId, spentNfe, cancellationToken);
                else await tenant.ReleaseAsync(JobId, spentNfe, cancellationToken);
                State.UsageSettled = true;
            }
            catch (Exception e)
            {
                GrainLog.SettleFailed(logger, e, JobId, request.TenantId);
            }
        }
        State.Result = result;
        if (result is not null) State.Best = result.Top;
        AddEvent(kind, State.LastRound, State.Best.Select(c => new CandidateSummary(c.Seed, c.Score, c.Round, c.Origin)).ToArray(),
            State.Best.Length > 0 ? State.Best[0].Score : double.NaN, message);
        State.Message = message;
        State.FinishedAt = time.GetUtcNow();
        State.Status = status;
        await job.WriteStateAsync(cancellationToken);
        keepAlive?.Dispose();
        keepAlive = null;
        deadline?.Dispose(); // its timer; the token stays readable
        GrainLog.JobEnded(logger, JobId, status, spentNfe);
    }

    /// <summary>Runs on this activation: every batch of progress reports becomes events and one state write.</summary>
    private async Task RecordProgressAsync(ChannelReader<SearchProgress> reader)
    {
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var p))
            {
                State.LastRound = p.Round;
                State.SearchNfe = p.Nfe.Search;
                State.FinalNfe = p.Nfe.Final;
                State.Best = p.Best.Select(c => c.ToContract()).ToArray();
                AddEvent(JobEventKind.Progress, p.Round, p.Best.Select(c => c.ToSummary()).ToArray(), p.BestScore, null);
            }
            try { await job.WriteStateAsync(CancellationToken.None); }
            catch (Exception e) { GrainLog.StateWriteFailed(logger, e, JobId); } // the next round's or the final write carries it
        }
    }

    private void AddEvent(JobEventKind kind, int round, CandidateSummary[] best, double bestScore, string? message) =>
        State.Events.Add(new JobEvent(State.Events.Count, kind, time.GetUtcNow(), round, State.SearchNfe, State.FinalNfe,
            State.Request?.BudgetNfe ?? 0, bestScore, best, message));

    /// <summary>Hands progress reports from the search's threads to the activation.</summary>
    private sealed class ChannelProgress(ChannelWriter<SearchProgress> writer) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => writer.TryWrite(value);
    }
}
