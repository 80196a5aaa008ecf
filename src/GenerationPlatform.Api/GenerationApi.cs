using GenerationPlatform.Api.V1;
using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Search;
using GenerationPlatform.Storage;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// The tenant-facing gRPC service (generation.v1.GenerationService) over the grains: every call
/// authenticates its key, validates its request once, and talks to the SearchGrain of the job and
/// the TenantGrain of the caller. Updates stream by polling the job's event log with a short backoff.
/// </summary>
public sealed class GenerationApi(
    IGrainFactory grains,
    IResultStore results,
    ApiKeyAuthenticator keys,
    IServedCatalog catalog,
    IOptions<RequestLimits> limits,
    ILogger<GenerationApi> logger) : GenerationService.GenerationServiceBase
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10), LastPoll = TimeSpan.FromMilliseconds(250);

    public override async Task Generate(GenerateRequest request, IServerStreamWriter<JobUpdate> responseStream, ServerCallContext context)
    {
        var tenant = keys.Authenticate(context);
        var (jobId, job) = await StartAsync(tenant, request, context.CancellationToken);
        await StreamAsync(tenant, jobId, job, 0, responseStream, context.CancellationToken);
    }

    public override async Task<SubmitResponse> Submit(GenerateRequest request, ServerCallContext context)
    {
        var tenant = keys.Authenticate(context);
        var (jobId, job) = await StartAsync(tenant, request, context.CancellationToken);
        return new SubmitResponse { JobId = jobId, Seed = job.Seed };
    }

    public override async Task Watch(WatchRequest request, IServerStreamWriter<JobUpdate> responseStream, ServerCallContext context)
    {
        var tenant = keys.Authenticate(context);
        var jobId = RequestValidation.JobId(request.JobId);
        int from = RequestValidation.FromIndex(request.FromIndex);
        await OwnedAsync(tenant, jobId, context.CancellationToken);
        var job = await Call(() => grains.GetGrain<ISearchGrain>(jobId).GetRequestAsync(context.CancellationToken)) ?? throw JobNotFound(jobId);
        await StreamAsync(tenant, jobId, job, from, responseStream, context.CancellationToken);
    }

    public override async Task<Job> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var tenant = keys.Authenticate(context);
        var jobId = RequestValidation.JobId(request.JobId);
        var status = await OwnedAsync(tenant, jobId, context.CancellationToken);
        var job = new Job
        {
            JobId = jobId,
            State = status.Status.ToProto(),
            UpdateCount = status.EventCount,
            LastRound = status.LastRound,
            SpentNfe = status.SpentNfe,
            BudgetNfe = status.Budget,
            BestScore = status.BestScore,
            Message = status.Message ?? "",
        };
        if (status.AcceptedAt is { } accepted) job.AcceptedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(accepted);
        if (status.FinishedAt is { } finished) job.FinishedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(finished);
        if (status.Status == JobStatus.Completed) job.Result = await ReadResultAsync(tenant, jobId, context.CancellationToken);
        return job;
    }

    public override async Task<CancelResponse> Cancel(CancelRequest request, ServerCallContext context)
    {
        var tenant = keys.Authenticate(context);
        var jobId = RequestValidation.JobId(request.JobId);
        await OwnedAsync(tenant, jobId, context.CancellationToken);
        var grain = grains.GetGrain<ISearchGrain>(jobId);
        bool cancelling = await Call(() => grain.CancelAsync(context.CancellationToken));
        var status = await Call(() => grain.GetStatusAsync(context.CancellationToken));
        ApiLog.CancelRequested(logger, jobId, tenant, cancelling);
        return new CancelResponse { Cancelling = cancelling, State = status.Status.ToProto() };
    }

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        keys.Authenticate(context);
        var response = new ListModelsResponse();
        response.Models.AddRange(catalog.Models.Select(m => new ModelInfo { Name = m.Name, Description = m.Description }));
        response.Algorithms.AddRange(AlgorithmCatalog.Names);
        response.Classes.AddRange(FashionMnist.ClassNames);
        return Task.FromResult(response);
    }

    public override Task<ListVerifiersResponse> ListVerifiers(ListVerifiersRequest request, ServerCallContext context)
    {
        keys.Authenticate(context);
        var response = new ListVerifiersResponse();
        response.Verifiers.AddRange(catalog.Verifiers.Select(v => new VerifierInfo { Name = v.Name, Description = v.Description }));
        return Task.FromResult(response);
    }

    public override async Task<Usage> GetUsage(GetUsageRequest request, ServerCallContext context)
    {
        var tenant = keys.Authenticate(context);
        var usage = await Call(() => grains.GetGrain<ITenantGrain>(tenant).GetUsageAsync(context.CancellationToken));
        return usage.ToProto();
    }

    private async Task<(string JobId, JobRequest Job)> StartAsync(string tenant, GenerateRequest request, CancellationToken cancellationToken)
    {
        var job = RequestValidation.ToJobRequest(request, tenant, limits.Value, catalog);
        var jobId = RequestValidation.NewJobId();
        var admission = await Call(() => grains.GetGrain<ISearchGrain>(jobId).StartAsync(job, cancellationToken));
        if (!admission.Admitted)
        {
            ApiLog.Rejected(logger, tenant, admission.Rejection, admission.Message);
            throw admission.Rejection switch
            {
                QuotaRejection.BudgetPerRequest => new RpcException(new Status(StatusCode.ResourceExhausted, $"budget_nfe: {admission.Message}")),
                QuotaRejection.InvalidRequest when admission.Message.StartsWith("unknown model", StringComparison.Ordinal) => RequestValidation.NotFound("model", admission.Message),
                QuotaRejection.InvalidRequest when admission.Message.StartsWith("unknown verifier", StringComparison.Ordinal) => RequestValidation.NotFound("verifier", admission.Message),
                QuotaRejection.InvalidRequest => new RpcException(new Status(StatusCode.FailedPrecondition, admission.Message)),
                _ => new RpcException(new Status(StatusCode.ResourceExhausted, $"quota: {admission.Message}")),
            };
        }
        ApiLog.Accepted(logger, jobId, tenant, job.Algorithm, job.BudgetNfe);
        return (jobId, job);
    }

    /// <summary>The job's status when it belongs to the tenant; NOT_FOUND otherwise, the same answer as for no job at all.</summary>
    private async Task<JobSnapshot> OwnedAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        var status = await Call(() => grains.GetGrain<ISearchGrain>(jobId).GetStatusAsync(cancellationToken));
        if (status.Status is JobStatus.None or JobStatus.Rejected || status.TenantId != tenant) throw JobNotFound(jobId);
        return status;
    }

    private static RpcException JobNotFound(string jobId) => RequestValidation.NotFound("job_id", $"no job {jobId}");

    /// <summary>Replays the log from <paramref name="from"/>, then follows it until the terminal update.</summary>
    private async Task StreamAsync(string tenant, string jobId, JobRequest job, int from, IServerStreamWriter<JobUpdate> stream, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ISearchGrain>(jobId);
        var wait = FirstPoll;
        bool finishedSeen = false;
        while (true)
        {
            var events = await Call(() => grain.GetEventsAsync(from, cancellationToken));
            foreach (var e in events)
            {
                V1.JobResult? result = e.Kind == JobEventKind.Completed ? await ReadResultAsync(tenant, jobId, cancellationToken) : null;
                await stream.WriteAsync(e.ToUpdate(jobId, job, () => result!), cancellationToken);
                if (e.Kind.IsTerminal()) return;
            }
            if (events.Length > 0)
            {
                from = events[^1].Index + 1;
                wait = FirstPoll;
                continue;
            }
            // Nothing new: a job that has ended will log nothing more (a from_index past its end yields an empty stream).
            // It may have ended, terminal event included, between the two calls: read once more before giving up.
            if ((await Call(() => grain.GetStatusAsync(cancellationToken))).IsFinished)
            {
                if (finishedSeen) return;
                finishedSeen = true;
                continue;
            }
            await Task.Delay(wait, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastPoll.Ticks));
        }
    }

    private async Task<V1.JobResult> ReadResultAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        var result = await Call(() => grains.GetGrain<ISearchGrain>(jobId).GetResultAsync(cancellationToken))
            ?? throw new RpcException(new Status(StatusCode.DataLoss, $"job {jobId} completed but holds no result"));
        StoredResultContent? stored;
        try
        {
            stored = await results.ReadAsync(tenant, jobId, cancellationToken);
        }
        catch (ResultStoreException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the result of job {jobId} could not be read: {e.Message}"));
        }
        return stored is null
            ? throw new RpcException(new Status(StatusCode.DataLoss, $"the stored result of job {jobId} is missing from the {results.Kind} store"))
            : result.ToProto(jobId, stored.Location, stored.TopPngs);
    }

    /// <summary>A cluster that cannot be reached is UNAVAILABLE (retryable), not UNKNOWN.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the cluster did not answer: {e.Message}"));
        }
    }
}

internal static partial class ApiLog
{
    [LoggerMessage(100, LogLevel.Information, "Job {JobId} of tenant {TenantId} accepted: {Algorithm}, budget {Budget} NFE")]
    public static partial void Accepted(ILogger logger, string jobId, string tenantId, string algorithm, long budget);

    [LoggerMessage(101, LogLevel.Information, "Tenant {TenantId} turned away: {Rejection}: {Message}")]
    public static partial void Rejected(ILogger logger, string tenantId, QuotaRejection rejection, string message);

    [LoggerMessage(102, LogLevel.Information, "Job {JobId} of tenant {TenantId}: cancel requested (running: {Cancelling})")]
    public static partial void CancelRequested(ILogger logger, string jobId, string tenantId, bool cancelling);
}
