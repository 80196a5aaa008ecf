using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

/// <summary>
/// What a search job persists, written after every round: its spec, the last events (a bounded
/// window: the first and the latest <c>MaxEvents</c>), the best candidates so far (top-k, with images
/// while the job runs) and the NFE spent, then the outcome and where the result is stored. Once
/// stored, the result's images live in the result store only. The checkpoint to resume from is a
/// grain state of its own (<see cref="JobCheckpointState"/>, blob-backed in a cluster).
/// </summary>
[GenerateSerializer]
public sealed record SearchJobState
{
    [Id(0)] public JobStatus Status { get; set; }
    // Id 1 (the request as earlier versions recorded it) is retired: a job records the validated JobSpec (Id 17).
    [Id(2)] public List<JobEvent> Events { get; set; } = [];
    [Id(3)] public JobCandidate[] Best { get; set; } = [];
    [Id(4)] public int LastRound { get; set; } = -1;
    [Id(5)] public long SearchNfe { get; set; }
    [Id(6)] public long FinalNfe { get; set; }
    [Id(7)] public JobResult? Result { get; set; }
    [Id(8)] public string? Message { get; set; }
    [Id(9)] public DateTimeOffset? AcceptedAt { get; set; }
    [Id(10)] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>True once the tenant's reservation has been settled or released, so it happens once.</summary>
    [Id(11)] public bool UsageSettled { get; set; }
    /// <summary>Where the result was stored (result.json's URI), once it is.</summary>
    [Id(12)] public string? ResultLocation { get; set; }
    // Id 13 (the checkpoint) is retired: checkpoints live in their own grain state (JobCheckpointState).
    /// <summary>How many times the job was resumed by a new activation.</summary>
    [Id(14)] public int Resumptions { get; set; }
    /// <summary>Events ever added (the next event's index); <see cref="Events"/> holds a bounded window of them.</summary>
    [Id(15)] public int EventCount { get; set; }
    /// <summary>The shape of the job's images (its model's), recorded when it starts: result PNGs are written at it.</summary>
    [Id(16)] public ImageDims? ImageShape { get; set; }
    /// <summary>The job as the edge validated it; null when there is no job under this id.</summary>
    [Id(17)] public JobSpec? Spec { get; set; }
    /// <summary>Rows through the network so far (guidance doubles them).</summary>
    [Id(18)] public long ModelEvaluations { get; set; }
    /// <summary>FLOPs its verifiers spent, across every run of the job (a resumed run adds what it spends to what ran before).</summary>
    [Id(19)] public double VerifierFlops { get; set; }

    /// <summary>The status the job's row in its tenant's index last recorded (None: not recorded yet).</summary>
    [Id(20)] public JobStatus Indexed { get; set; }

    /// <summary>Whether an ended job owes nothing more: its usage settled and its index row up to date (then its reminder goes).</summary>
    public bool NothingOwed => UsageSettled && Indexed == Status;

    /// <summary>The job's row in its tenant's index, as it stands; null when there is no job to list.</summary>
    public Storage.JobIndexEntry? IndexEntry(string jobId) => Spec is { } spec && AcceptedAt is { } accepted && IndexState(Status) is { } state
        ? new(spec.TenantId, jobId, accepted, state, spec.ModelName, spec.Algorithm, spec.BudgetNfe, SearchNfe + FinalNfe, Status.IsFinished() ? FinishedAt : null)
        : null;

    private static Storage.JobIndexState? IndexState(JobStatus status) => status switch
    {
        JobStatus.Running => Storage.JobIndexState.Running,
        JobStatus.Completed => Storage.JobIndexState.Completed,
        JobStatus.Cancelled => Storage.JobIndexState.Cancelled,
        JobStatus.DeadlineExceeded => Storage.JobIndexState.DeadlineExceeded,
        JobStatus.Failed => Storage.JobIndexState.Failed,
        _ => null,
    };

    /// <summary>What the job spent: its NFE and its verifiers' compute in NFE-equivalents of its model.</summary>
    public JobCost Spent => new(SearchNfe + FinalNfe, Search.NfeEquivalents.Of(VerifierFlops, Spec?.Model.ForwardFlops ?? 0));

    /// <summary>Where the job stands, as callers see it.</summary>
    public JobSnapshot Snapshot(string jobId) => new(jobId, Spec?.TenantId, Status, EventCount, LastRound, SearchNfe + FinalNfe, Spec?.BudgetNfe ?? 0,
        Best.Length > 0 ? Best[0].Score : double.NaN, AcceptedAt, FinishedAt, Message, ResultLocation, Spent.VerifierNfe);

    /// <summary>Records the job's end: its result (whose top-k become its best) or, without one, its best so far without images.</summary>
    public void End(JobStatus status, string? message, JobResult? result, DateTimeOffset finishedAt)
    {
        Result = result;
        Best = result is not null ? result.Top : Best.Select(c => c with { Image = [] }).ToArray();
        Message = message;
        FinishedAt = finishedAt;
        Status = status;
    }
}
