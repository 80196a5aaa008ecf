namespace GenerationPlatform.Contracts;

/// <summary>A search job as a tenant asks for it (validated at the edge before it gets here).</summary>
[GenerateSerializer, Immutable]
public sealed record JobRequest(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Algorithm,
    [property: Id(3)] string Verifier,
    [property: Id(4)] int Label,
    [property: Id(5)] float Guidance,
    [property: Id(6)] ulong Seed,
    [property: Id(7)] long BudgetNfe,
    [property: Id(8)] int TopK = 4,
    [property: Id(9)] Sampler Sampler = Sampler.Heun,
    [property: Id(10)] int Steps = 10,
    [property: Id(11)] float Eta = 0f,
    /// <summary>How long the job may run from its acceptance; null: no deadline.</summary>
    [property: Id(12)] TimeSpan? Deadline = null,
    /// <summary>Verifiers that are only reported, not optimized.</summary>
    [property: Id(13)] string[]? ReportedVerifiers = null,
    /// <summary>The prompt of a text model's job (Label is then -1).</summary>
    [property: Id(14)] string? Prompt = null,
    /// <summary>Adaptive budget: stop once the best score reaches this.</summary>
    [property: Id(15)] double? TargetScore = null,
    /// <summary>Adaptive budget: stop after this many rounds without a better best score.</summary>
    [property: Id(16)] int? Patience = null);

[GenerateSerializer]
public enum JobStatus
{
    /// <summary>No job under this id.</summary>
    None = 0,
    Running = 1,
    Completed = 2,
    Cancelled = 3,
    DeadlineExceeded = 4,
    Failed = 5,
    Rejected = 6,
}

[GenerateSerializer]
public enum JobEventKind
{
    Accepted = 0,
    Progress = 1,
    Completed = 2,
    Cancelled = 3,
    DeadlineExceeded = 4,
    Failed = 5,
}

/// <summary>A candidate in a progress event: where it came from and how it scored, without its image.</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateSummary(
    [property: Id(0)] CandidateSeed Seed,
    [property: Id(1)] double Score,
    [property: Id(2)] int Round,
    [property: Id(3)] string Origin);

/// <summary>Events of a job's log from some index on, and whether the job has ended (so no more will come).</summary>
[GenerateSerializer, Immutable]
public sealed record JobEventsPage([property: Id(0)] JobEvent[] Events, [property: Id(1)] bool Finished);

/// <summary>One entry of a job's event log; <see cref="Index"/> is its position, so a watcher can resume from it.</summary>
[GenerateSerializer, Immutable]
public sealed record JobEvent(
    [property: Id(0)] int Index,
    [property: Id(1)] JobEventKind Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int Round,
    [property: Id(4)] long SearchNfe,
    [property: Id(5)] long FinalNfe,
    [property: Id(6)] long Budget,
    [property: Id(7)] double BestScore,
    [property: Id(8)] CandidateSummary[] Best,
    [property: Id(9)] string? Message = null);

/// <summary>A candidate image with its seed and scores (primary, and every verifier by name).</summary>
[GenerateSerializer, Immutable]
public sealed record JobCandidate(
    [property: Id(0)] CandidateSeed Seed,
    [property: Id(1)] float[] Image,
    [property: Id(2)] double Score,
    [property: Id(3)] Dictionary<string, double> ScoresByVerifier,
    [property: Id(4)] int Round,
    [property: Id(5)] string Origin);

/// <summary>The outcome of a completed search.</summary>
[GenerateSerializer, Immutable]
public sealed record JobResult(
    [property: Id(0)] string Algorithm,
    [property: Id(1)] string Verifier,
    [property: Id(2)] JobCandidate[] Top,
    [property: Id(3)] long SearchNfe,
    [property: Id(4)] long FinalNfe,
    [property: Id(5)] long ModelEvaluations,
    [property: Id(6)] long Budget,
    [property: Id(7)] long VerifierCalls,
    [property: Id(8)] long VerifiedImages,
    [property: Id(9)] TimeSpan SearchTime,
    [property: Id(10)] TimeSpan FinalTime,
    [property: Id(11)] TimeSpan VerifierTime,
    [property: Id(12)] int Rounds,
    /// <summary>"completed", "target_reached" or "no_improvement".</summary>
    [property: Id(13)] string StopReason = "completed",
    /// <summary>What the verifiers cost, in NFE of the job's model (their FLOPs over its FLOPs per NFE); null: not known.</summary>
    [property: Id(14)] double? VerifierNfeEquivalents = null);

/// <summary>Where a job stands.</summary>
[GenerateSerializer, Immutable]
public sealed record JobSnapshot(
    [property: Id(0)] string JobId,
    [property: Id(1)] string? TenantId,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] int EventCount,
    [property: Id(4)] int LastRound,
    [property: Id(5)] long SpentNfe,
    [property: Id(6)] long Budget,
    [property: Id(7)] double BestScore,
    [property: Id(8)] DateTimeOffset? AcceptedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] string? Message,
    /// <summary>Where the stored result's result.json is (set once it is stored).</summary>
    [property: Id(11)] string? ResultLocation = null)
{
    public bool IsFinished => Status.IsFinished();
}

/// <summary>
/// One search job. Key: the job id. The search runs in the background once started; its progress
/// is an append-only event log that a late watcher replays from any index.
/// </summary>
public interface ISearchGrain : IGrainWithStringKey
{
    /// <summary>Admits the job against the tenant's quotas and starts it; a second start of the same id is rejected.</summary>
    Task<JobAdmission> StartAsync(JobRequest request, CancellationToken cancellationToken = default);

    /// <remarks>Interleaves with anything the job is doing (a read of its in-memory state), so a tenant reconciling its usage never waits on a job that waits on the tenant.</remarks>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<JobSnapshot> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The result once the job has completed; null before, or when it ended otherwise.</summary>
    Task<JobResult?> GetResultAsync(CancellationToken cancellationToken = default);

    /// <summary>The request the job runs (null when there is no job under this id).</summary>
    Task<JobRequest?> GetRequestAsync(CancellationToken cancellationToken = default);

    /// <summary>The best candidates so far, with images (the last round's top-k).</summary>
    Task<JobCandidate[]> GetBestAsync(CancellationToken cancellationToken = default);

    /// <summary>Events from <paramref name="fromIndex"/> on (0: the whole log).</summary>
    Task<JobEvent[]> GetEventsAsync(int fromIndex, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events from <paramref name="fromIndex"/> on, as soon as there are any: answers at once when some
    /// exist or the job has ended, else when the next event is added (pushed, not polled), else after
    /// <paramref name="maxWait"/> with none. Interleaves with everything the job does.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<JobEventsPage> WaitForEventsAsync(int fromIndex, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>Requests cancellation; false when the job is not running.</summary>
    Task<bool> CancelAsync(CancellationToken cancellationToken = default);
}

public static class JobStatusExtensions
{
    /// <summary>True once the job has ended, whichever way (nothing more will happen to it).</summary>
    public static bool IsFinished(this JobStatus status) =>
        status is JobStatus.Completed or JobStatus.Cancelled or JobStatus.DeadlineExceeded or JobStatus.Failed or JobStatus.Rejected;
}
