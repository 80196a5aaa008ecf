using GenerationPlatform.Api.V1;
using GenerationPlatform.Contracts;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Search.Jobs;
using Grpc.Core;

namespace GenerationPlatform.Api;

/// <summary>
/// The edge's checks (CONVENTIONS: errors at the edge). A GenerateRequest is read off the wire here (its enum and its
/// duration) and validated by <see cref="SearchJobValidation"/>, the one place the API and the CLI share, into the
/// <see cref="JobSpec"/> the grains trust. Every message starts with the field's name as the proto spells it.
/// Malformed: INVALID_ARGUMENT; well-formed but naming a model, verifier or algorithm that is not served: NOT_FOUND.
/// </summary>
public static class RequestValidation
{
    public const int MaxFromIndex = 1_000_000;

    public static RpcException Invalid(string field, string problem) => new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));

    public static RpcException NotFound(string field, string problem) => new(new Status(StatusCode.NotFound, $"{field}: {problem}"));

    public static string JobId(string? jobId)
    {
        if (string.IsNullOrEmpty(jobId)) throw Invalid("job_id", "required");
        if (!JobIds.IsWellFormed(jobId))
        {
            int digits = JobIds.Length - JobIds.Prefix.Length;
            throw Invalid("job_id", $"not a job id (expected '{JobIds.Prefix}' and {digits} lowercase hex digits, got {SearchJobValidation.Quote(jobId)})");
        }
        return jobId;
    }

    public static int FromIndex(int fromIndex) =>
        fromIndex is >= 0 and <= MaxFromIndex ? fromIndex : throw Invalid("from_index", $"must be between 0 and {MaxFromIndex} (got {fromIndex})");

    /// <summary>ListJobs' page size: 0 is the default, else 1 to <see cref="JobListing.MaxPageSize"/>.</summary>
    public static int PageSize(int pageSize) => pageSize switch
    {
        0 => JobListing.DefaultPageSize,
        >= 1 and <= JobListing.MaxPageSize => pageSize,
        _ => throw Invalid("page_size", $"must be between 1 and {JobListing.MaxPageSize}, or 0 for {JobListing.DefaultPageSize} (got {pageSize})"),
    };

    /// <summary>ListJobs' state filter: null for every state.</summary>
    public static Storage.JobIndexState? StateFilter(JobState state) => state switch
    {
        JobState.Unspecified => null,
        JobState.Running => Storage.JobIndexState.Running,
        JobState.Completed => Storage.JobIndexState.Completed,
        JobState.Cancelled => Storage.JobIndexState.Cancelled,
        JobState.DeadlineExceeded => Storage.JobIndexState.DeadlineExceeded,
        JobState.Failed => Storage.JobIndexState.Failed,
        _ => throw Invalid("state", $"unknown job state {(int)state}: use JOB_STATE_RUNNING, JOB_STATE_COMPLETED, JOB_STATE_CANCELLED, "
            + "JOB_STATE_DEADLINE_EXCEEDED or JOB_STATE_FAILED, or JOB_STATE_UNSPECIFIED for every state"),
    };

    /// <summary>Where a ListJobs page starts: after the position its token holds (null: the first page); a token not issued for this listing is INVALID_ARGUMENT.</summary>
    public static string? PageStart(string token, string tenant, Storage.JobIndexState? state, PageTokens tokens) =>
        token.Length == 0 ? null
        : tokens.Read(token, tenant, Filter(state))
            ?? throw Invalid("page_token", "not a page token of this listing (a token is bound to its caller and its state filter): "
                + "pass a next_page_token as ListJobs returned it, with the same state, or none for the first page");

    /// <summary>What a page token is bound to besides its tenant: the state filter.</summary>
    public static string Filter(Storage.JobIndexState? state) => state?.ToString() ?? "any";

    /// <summary>The job a GenerateRequest asks for, validated; throws an RpcException naming the first bad field.</summary>
    public static JobSpec ToJobSpec(GenerateRequest r, string tenant, RequestLimits limits, IServedCatalog catalog)
    {
        SearchJobSpec job;
        try
        {
            job = SearchJobValidation.Validate(ToInput(r), limits.Job, catalog);
        }
        catch (SearchJobException e)
        {
            throw e.NotFound ? NotFound(e.Field, e.Message) : Invalid(e.Field, e.Message);
        }
        return job.ToContract(tenant);
    }

    /// <summary>What the request gives, as the validation reads it: unset optional fields are null (the defaults apply).</summary>
    private static SearchJobInput ToInput(GenerateRequest r) => new(
        r.Model, r.Class, r.Prompt, r.Algorithm, r.Verifier, r.ReportedVerifiers, r.BudgetNfe,
        r.HasTopK ? r.TopK : null,
        r.Sampler switch
        {
            V1.Sampler.Unspecified => null,
            V1.Sampler.Heun => SamplerKind.Heun,
            V1.Sampler.Euler => SamplerKind.Euler,
            V1.Sampler.Stochastic => SamplerKind.Stochastic,
            _ => throw Invalid("sampler", $"unknown sampler {(int)r.Sampler}: use SAMPLER_EULER, SAMPLER_HEUN or SAMPLER_STOCHASTIC"),
        },
        r.HasSteps ? r.Steps : null,
        r.HasGuidance ? r.Guidance : null,
        r.HasEta ? r.Eta : null,
        r.HasSeed ? r.Seed : null,
        Deadline(r.Deadline),
        r.HasTargetScore ? r.TargetScore : null,
        r.HasPatience ? r.Patience : null,
        r.HasPreviews ? r.Previews : null);

    private static TimeSpan? Deadline(Google.Protobuf.WellKnownTypes.Duration? d)
    {
        if (d is null) return null;
        if (d.Nanos is <= -1_000_000_000 or >= 1_000_000_000 || (d.Seconds > 0 && d.Nanos < 0) || (d.Seconds < 0 && d.Nanos > 0))
            throw Invalid("deadline", "not a valid duration");
        if (d.Seconds < 0 || (d.Seconds == 0 && d.Nanos <= 0)) throw Invalid("deadline", $"must be positive (got {d.Seconds}s {d.Nanos}ns)");
        // Longer than any limit can be (the validation names the configured one) but never past what a TimeSpan holds.
        return d.Seconds > 100L * 365 * 24 * 3600 ? TimeSpan.FromDays(100 * 365) : d.ToTimeSpan();
    }
}
