using GenerationPlatform.Api.V1;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Jobs;
using GenerationPlatform.Storage;
using Grpc.Core;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// The tenant-facing gRPC service (generation.v1.GenerationService) over the grains: every call is
/// authenticated before it gets here (<see cref="ApiKeyInterceptor"/>), validates its request once, and talks to the SearchGrain of the job and
/// the TenantGrain of the caller. Updates are pushed: a stream waits on the job's grain, which answers
/// when the job logs its next event (a long-poll call, at most 20 s each), for at most <see cref="RequestLimits.MaxWatchDuration"/> a stream. What fails in the cluster or the
/// store is UNAVAILABLE with a message of ours; the exception's own text goes to the log only.
/// </summary>
[BindServiceMethod(typeof(GenerationServiceBinding), nameof(GenerationServiceBinding.BindService))]
public sealed class GenerationApi(
    IGrainFactory grains,
    IResultStore results,
    IJobIndex index,
    IServedCatalog catalog,
    JobIds jobIds,
    PageTokens pageTokens,
    IOptionsMonitor<TenantQuotaOptions> quotas,
    CompletedResultCache completed,
    WatchStreamSlots watches,
    IOptions<RequestLimits> limits,
    TimeProvider time,
    ILogger<GenerationApi> logger) : GenerationService.GenerationServiceBase
{
    /// <summary>The trailer of a stream that ran out of time: the index to re-attach from with Watch.</summary>
    public const string NextIndexTrailer = "genplat-next-index";

    public override async Task Generate(GenerateRequest request, IServerStreamWriter<JobUpdate> responseStream, ServerCallContext context)
    {
        var tenant = context.Tenant();
        var (jobId, job) = await StartAsync(tenant, request, context.CancellationToken);
        await StreamAsync(tenant, jobId, job, 0, responseStream, context.CancellationToken);
    }

    public override async Task<SubmitResponse> Submit(GenerateRequest request, ServerCallContext context)
    {
        var tenant = context.Tenant();
        var (jobId, job) = await StartAsync(tenant, request, context.CancellationToken);
        return new SubmitResponse { JobId = jobId, Seed = job.Seed };
    }

    public override async Task Watch(WatchRequest request, IServerStreamWriter<JobUpdate> responseStream, ServerCallContext context)
    {
        var tenant = context.Tenant();
        int from = RequestValidation.FromIndex(request.FromIndex);
        var jobId = Issued(request.JobId, tenant);
        using var slot = watches.TryEnter(tenant) ?? throw new RpcException(new Status(StatusCode.ResourceExhausted,
            $"watch: this tenant already holds {watches.PerTenant} Watch streams open on this server, the most it may; close one, or poll GetJob"));
        await OwnedAsync(tenant, jobId, context.CancellationToken);
        var job = await Call(() => grains.GetGrain<ISearchGrain>(jobId).GetSpecAsync(context.CancellationToken)) ?? throw JobNotFound(jobId);
        await StreamAsync(tenant, jobId, job, from, responseStream, context.CancellationToken);
    }

    public override async Task<Job> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var tenant = context.Tenant();
        var jobId = Issued(request.JobId, tenant);
        var status = await OwnedAsync(tenant, jobId, context.CancellationToken);
        var job = new Job
        {
            JobId = jobId,
            State = status.Status.ToProto(),
            UpdateCount = status.EventCount,
            LastRound = status.LastRound,
            SpentNfe = status.SpentNfe,
            SpentVerifierNfe = status.SpentVerifierNfe,
            BudgetNfe = status.Budget,
            BestScore = status.BestScore,
            Message = status.Status == JobStatus.Failed ? ProtoMapping.FailureMessage(jobId) : status.Message ?? "",
        };
        if (status.AcceptedAt is { } accepted) job.AcceptedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(accepted);
        if (status.FinishedAt is { } finished) job.FinishedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(finished);
        if (status.Status == JobStatus.Completed) job.Result = await ReadResultAsync(tenant, jobId, context.CancellationToken);
        return job;
    }

    public override async Task<CancelResponse> Cancel(CancelRequest request, ServerCallContext context)
    {
        var tenant = context.Tenant();
        var jobId = Issued(request.JobId, tenant);
        await OwnedAsync(tenant, jobId, context.CancellationToken);
        var grain = grains.GetGrain<ISearchGrain>(jobId);
        bool cancelling = await Call(() => grain.CancelAsync(context.CancellationToken));
        var status = await Call(() => grain.GetStatusAsync(context.CancellationToken));
        ApiLog.CancelRequested(logger, jobId, tenant, cancelling);
        return new CancelResponse { Cancelling = cancelling, State = status.Status.ToProto() };
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var tenant = context.Tenant();
        var state = RequestValidation.StateFilter(request.State);
        int pageSize = RequestValidation.PageSize(request.PageSize);
        var after = RequestValidation.PageStart(request.PageToken, tenant, state, pageTokens);
        JobIndexPage page;
        try
        {
            page = await index.ListAsync(tenant, after, state, pageSize, JobListing.ScanLimit, context.CancellationToken);
        }
        catch (Exception e) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Whatever the index's storage threw (a refusal, a timeout, retries given up): no fault of the request.
            ApiLog.IndexUnavailable(logger, e, tenant);
            throw Unavailable("jobs", "the job index could not be read now; retry");
        }
        var response = new ListJobsResponse { NextPageToken = page.Next is { } next ? pageTokens.Issue(next, tenant, RequestValidation.Filter(state)) : "" };
        response.Jobs.AddRange(page.Jobs.Select(j => j.ToProto()));
        return response;
    }

    public override async Task<DeleteJobResponse> DeleteJob(DeleteJobRequest request, ServerCallContext context)
    {
        var tenant = context.Tenant();
        var jobId = Issued(request.JobId, tenant);
        var outcome = await Call(() => grains.GetGrain<ISearchGrain>(jobId).DeleteAsync(tenant, context.CancellationToken));
        ApiLog.DeleteRequested(logger, jobId, tenant, outcome);
        if (outcome is JobDeletion.Deleted or JobDeletion.Absent) completed.Remove(tenant, jobId);
        return outcome switch
        {
            JobDeletion.Deleted => new DeleteJobResponse { Deleted = true },
            // An id of the caller's whose job is gone already: deleting is idempotent (an id never issued to it was NOT_FOUND above).
            JobDeletion.Absent => new DeleteJobResponse { Deleted = false },
            JobDeletion.Running => throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"job_id: job {jobId} is running; cancel it (Cancel), then delete it once it has ended")),
            _ => throw Unavailable("storage", $"job {jobId} could not be deleted now; what is left of it stays until a retry deletes it"),
        };
    }

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        foreach (var m in catalog.Models)
        {
            var info = new ModelInfo
            {
                Name = m.Name,
                Description = m.Description,
                Image = new V1.ImageShape { Channels = m.ImageShape.Channels, Height = m.ImageShape.Height, Width = m.ImageShape.Width },
                Conditioning = m.Conditioning.IsText ? "text" : "class",
                TextEncoder = m.Conditioning.TextEncoder ?? "",
                Backend = m.Backend,
                DefaultSampler = m.DefaultSampler,
                DefaultSteps = m.DefaultSteps,
                DefaultGuidance = m.DefaultGuidance,
                DefaultVerifier = SearchJobValidation.DefaultVerifier(m, catalog) ?? "",
                ForwardFlops = m.ForwardFlops,
            };
            info.Classes.AddRange(m.Conditioning.ClassNames);
            info.Verifiers.AddRange(catalog.Verifiers.Where(v => v.Scope.Problem(m) is null).Select(v => v.Name));
            response.Models.Add(info);
        }
        response.Algorithms.AddRange(catalog.Algorithms);
        foreach (var name in catalog.Algorithms)
        {
            var algorithm = new AlgorithmInfo { Name = name };
            foreach (var p in AlgorithmCatalog.Describe(name))
            {
                var parameter = new AlgorithmParameterInfo { Name = p.Name, Kind = p.Kind, DefaultValue = p.Default, Description = p.Description };
                parameter.Choices.AddRange(p.Choices);
                algorithm.Parameters.Add(parameter);
            }
            response.AlgorithmDetails.Add(algorithm);
        }
        // Deprecated: the shipped class model's classes, for clients from before per-model classes.
        if (catalog.Model(ModelOptions.ShippedModel) is { } shipped) response.Classes.AddRange(shipped.Conditioning.ClassNames);
        return Task.FromResult(response);
    }

    public override Task<ListVerifiersResponse> ListVerifiers(ListVerifiersRequest request, ServerCallContext context)
    {
        var response = new ListVerifiersResponse();
        response.Verifiers.AddRange(catalog.Verifiers.Select(v => new VerifierInfo
        {
            Name = v.Name, Description = v.Description, FlopsPerImage = v.Scope.FlopsPerImage, ReadsPrompts = v.Scope.ReadsPrompts,
        }));
        return Task.FromResult(response);
    }

    public override async Task<Usage> GetUsage(GetUsageRequest request, ServerCallContext context)
    {
        var tenant = context.Tenant();
        var usage = await Call(() => grains.GetGrain<ITenantGrain>(tenant).GetUsageAsync(context.CancellationToken));
        return usage.ToProto();
    }

    private async Task<(string JobId, JobSpec Job)> StartAsync(string tenant, GenerateRequest request, CancellationToken cancellationToken)
    {
        var job = RequestValidation.ToJobSpec(request, tenant, limits.Value, catalog);
        // The tenant's largest budget is known here: refusing it costs no grain call and no storage write.
        if (quotas.CurrentValue.For(tenant).MaxBudgetPerRequest is var most && job.BudgetNfe > most)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"budget_nfe: a budget of {job.BudgetNfe} NFE exceeds the per-request maximum of {most}, this tenant's quota; a retry cannot pass, a smaller budget can"));
        var jobId = jobIds.Issue(tenant);
        // The tenant's quota first, on its grain (active while the tenant works): a refused job activates no job grain and
        // reads nothing from storage. The job grain checks again as it admits, so a race between two submits stays safe.
        var admission = await Call(() => grains.GetGrain<ITenantGrain>(tenant).CheckAsync(job.Planned, cancellationToken));
        if (admission.Admitted) admission = await Call(() => grains.GetGrain<ISearchGrain>(jobId).StartAsync(job, cancellationToken));
        if (!admission.Admitted)
        {
            var rejected = admission.Rejection switch
            {
                // A limit of this tenant's, not a shortage: no retry can pass (RESOURCE_EXHAUSTED would invite one).
                QuotaRejection.BudgetPerRequest => new RpcException(new Status(StatusCode.FailedPrecondition,
                    $"budget_nfe: {admission.Message}, this tenant's quota; a retry cannot pass, a smaller budget can")),
                QuotaRejection.ConcurrentJobs or QuotaRejection.NfePerMinute or QuotaRejection.NfePerDay =>
                    new RpcException(new Status(StatusCode.ResourceExhausted, $"quota: {admission.Message}")),
                // The edge served them from the catalogue, but no silo has them now: our words, not the silo's.
                QuotaRejection.UnknownModel => RequestValidation.NotFound("model", $"model '{job.ModelName}' is not served by the cluster now"),
                QuotaRejection.UnknownVerifier => RequestValidation.NotFound("verifier", $"verifier '{job.Verifier}' or a reported verifier is not served by the cluster now"),
                // The cluster found fault with a request the edge passed (the grains' own checks of the request).
                QuotaRejection.InvalidRequest => new RpcException(new Status(StatusCode.FailedPrecondition, $"request: {admission.Message}")),
                // Its own trouble (no silo for the model now, a grain call timed out, a state write failed): retryable.
                _ => null,
            };
            if (rejected is null)
            {
                ApiLog.AdmissionFailed(logger, tenant, admission.Rejection, admission.Message);
                throw Unavailable("cluster", "the cluster cannot take the job now; retry");
            }
            ApiLog.Rejected(logger, tenant, admission.Rejection, admission.Message);
            throw rejected;
        }
        ApiLog.Accepted(logger, jobId, tenant, job.Algorithm, job.BudgetNfe);
        return (jobId, job);
    }

    /// <summary>
    /// A job id of the caller's: well formed (else INVALID_ARGUMENT), and issued to this tenant (else NOT_FOUND, the answer
    /// for no job at all), told by its MAC (<see cref="JobIds"/>) without a grain call.
    /// </summary>
    private string Issued(string? raw, string tenant)
    {
        var jobId = RequestValidation.JobId(raw);
        if (jobIds.WasIssuedTo(jobId, tenant)) return jobId;
        ApiMetrics.UnknownJobIds.Add(1);
        throw JobNotFound(jobId);
    }

    /// <summary>The job's status when it belongs to the tenant; NOT_FOUND otherwise, the same answer as for no job at all.</summary>
    private async Task<JobSnapshot> OwnedAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        var status = await Call(() => grains.GetGrain<ISearchGrain>(jobId).GetStatusAsync(cancellationToken));
        if (status.Status is JobStatus.None or JobStatus.Rejected || status.TenantId != tenant) throw JobNotFound(jobId);
        return status;
    }

    private static RpcException JobNotFound(string jobId) => RequestValidation.NotFound("job_id", $"no job {jobId}");

    /// <summary>
    /// Replays the log from <paramref name="from"/>, then follows it until the terminal update; a stream open for
    /// <see cref="RequestLimits.MaxWatchDuration"/> ends with DEADLINE_EXCEEDED and the index to re-attach from.
    /// </summary>
    private async Task StreamAsync(string tenant, string jobId, JobSpec job, int from, IServerStreamWriter<JobUpdate> stream, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ISearchGrain>(jobId);
        var maxDuration = limits.Value.MaxWatchDuration;
        long opened = time.GetTimestamp();
        while (true)
        {
            var left = maxDuration - time.GetElapsedTime(opened);
            if (left <= TimeSpan.Zero) throw StreamExpired(from);
            // Pushed: the grain answers when the job logs its next event (or has ended), not when polled.
            int asked = from;
            var page = await Call(() => grain.WaitForEventsAsync(asked, left, cancellationToken));
            foreach (var e in page.Events)
            {
                V1.JobResult? result = e.Kind == JobEventKind.Completed ? await ReadResultAsync(tenant, jobId, cancellationToken) : null;
                await stream.WriteAsync(e.ToUpdate(jobId, job, () => result!), cancellationToken);
                if (e.Kind.IsTerminal()) return;
                from = e.Index + 1;
            }
            // A job that has ended logs nothing more: a from_index past its end yields what there was, then the stream ends.
            if (page.Finished) return;
        }
    }

    private RpcException StreamExpired(int next) => new(
        new Status(StatusCode.DeadlineExceeded,
            $"watch: a stream stays open at most {limits.Value.MaxWatchDuration}; the job goes on: re-attach with Watch from_index {next}"),
        new Metadata { { NextIndexTrailer, next.ToString(CultureInfo.InvariantCulture) } });

    /// <summary>A completed job's result: from this server's cache, else from the job's grain and the store (then cached).</summary>
    private async Task<V1.JobResult> ReadResultAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        if (completed.Get(tenant, jobId) is { } cached) return cached;
        var result = await Call(() => grains.GetGrain<ISearchGrain>(jobId).GetResultAsync(cancellationToken))
            ?? throw new RpcException(new Status(StatusCode.DataLoss, $"job_id: job {jobId} completed but holds no result"));
        StoredResultContent? stored;
        try
        {
            stored = await results.ReadAsync(tenant, jobId, cancellationToken);
        }
        catch (Exception e) when (e is ResultStoreException or IOException || IsTransient(e))
        {
            ApiLog.StoreUnavailable(logger, e, jobId);
            throw Unavailable("result", $"the result of job {jobId} could not be read now; retry");
        }
        var proto = stored is null
            ? throw new RpcException(new Status(StatusCode.DataLoss, $"job_id: job {jobId} completed but its stored result is missing"))
            : result.ToProto(jobId, stored.TopPngs);
        completed.Add(tenant, jobId, proto);
        return proto;
    }

    /// <summary>A cluster that cannot be reached, or answers too late, is UNAVAILABLE (retryable), not UNKNOWN; its exception is logged here.</summary>
    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsTransient(e))
        {
            ApiLog.ClusterUnavailable(logger, e);
            throw Unavailable("cluster", "the cluster did not answer in time; retry");
        }
    }

    /// <summary>
    /// Lack of capacity or reach, not a fault of the request: no silo for a grain (SiloUnavailableException and
    /// OrleansMessageRejectionException are OrleansExceptions), a grain call past its timeout, storage refusing a call.
    /// </summary>
    internal static bool IsTransient(Exception e) => e is OrleansException or TimeoutException or Azure.RequestFailedException;

    /// <summary>UNAVAILABLE in our own words, with the trace under which the log holds the cause.</summary>
    private static RpcException Unavailable(string what, string message) =>
        new(new Status(StatusCode.Unavailable,
            System.Diagnostics.Activity.Current is { } activity ? $"{what}: {message} (trace {activity.TraceId})" : $"{what}: {message}"));
}
